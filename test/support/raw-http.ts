// Requests fetch cannot make: node:http lets a test choose the Host header, as a browser sends it
// for a name that was rebound to this machine (DNS rebinding).
import { request } from "node:http";

/** GET `url` with the Host header `host` (and any other headers); resolves to the body. */
export function getWithHost(url: string, host: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { headers: { ...headers, host } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve(body));
    });
    sent.on("error", reject);
    sent.end();
  });
}
