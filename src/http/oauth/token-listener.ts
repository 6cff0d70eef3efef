// POST /oauth/token straight from Node's request listener, ahead of Hono. Token issuance is
// Gatehouse's hottest path, and Hono's Node adapter builds a WHATWG Request (with a body stream,
// and the body limit wraps it in another) and reads back a WHATWG Response for every call: in the
// CPU profile that machinery cost more than deciding and signing the token (docs/performance.md).
//
// Only the common case comes here: a POST to the token path whose Content-Length is within the
// body limit. Everything else — other methods, CORS preflights, bodies without a length (chunked)
// or over the limit — goes on to Hono's route, which serves the same endpoint (`TokenEndpoint`,
// rate limits included) with the same answers. What Hono's middleware adds to every answer is
// added here too: the security headers (taken from Hono's own middleware once, at start), the
// OAuth routes' CORS header, `X-Request-Id`, the request metric and the request log line.
// test/http/token-listener.test.ts compares the two paths' answers.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../logger.js";
import type { Metrics } from "../metrics.js";
import { TOKEN_PATH } from "./metadata.js";
import type { TokenEndpoint, TokenHttpResponse } from "./token.js";

export interface TokenListenerOptions {
  endpoint: TokenEndpoint;
  maxBodyBytes: number;
  /** Headers every answer of the app carries (security headers, the OAuth routes' CORS header). */
  headers: readonly (readonly [string, string])[];
  metrics: Metrics;
  logger: Logger;
}

/** Hono's requestId middleware accepts a caller's id of at most this many word characters, `-` and `=`. */
const REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * A request listener that serves the token requests it takes and returns true, or returns false
 * (having read nothing) for the next listener to serve.
 */
export function tokenListener(options: TokenListenerOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  const { endpoint, maxBodyBytes, metrics, logger } = options;
  const utf8 = new TextDecoder();
  // The duration histogram's series per status (a handful), so that an answer does not hash its
  // labels again; and the request log line only built when it is written (production logs warn).
  const durations = new Map<number, { observe(seconds: number): void }>();
  const durationsOf = (status: number) => {
    let series = durations.get(status);
    if (!series) {
      series = metrics.httpRequests.labels({ route: TOKEN_PATH, method: "POST", status: String(status) });
      durations.set(status, series);
    }
    return series;
  };
  return (request, response) => {
    if (request.method !== "POST" || !isTokenPath(request.url)) return false;
    const length = contentLength(request);
    if (length === undefined || length > maxBodyBytes) return false;

    const started = performance.now();
    const caller = request.headers["x-request-id"];
    const requestId = typeof caller === "string" && REQUEST_ID.test(caller) ? caller : randomUUID();
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      // `Request.text()`'s decoding (UTF-8, replacement characters, a leading BOM dropped).
      const body = utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      endpoint({
        address: request.socket.remoteAddress ?? "unknown",
        contentType: request.headers["content-type"],
        authorization: request.headers.authorization,
        body,
      })
        .catch((error: unknown): TokenHttpResponse => {
          logger.error({ err: error, requestId }, "unhandled error");
          return {
            status: 500,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ error: "server_error", message: "Unexpected error." }),
          };
        })
        .then((answer) => {
          // A flat [name, value, …] list, which Node writes as given: an object spread with a dozen
          // headers was the largest allocation of a token request (4 KB of ~30 KB).
          const headers: string[] = [];
          for (const name in answer.headers) headers.push(name, answer.headers[name]!);
          headers.push("x-request-id", requestId);
          for (const [name, value] of options.headers) if (!Object.hasOwn(answer.headers, name)) headers.push(name, value);
          response.writeHead(answer.status, headers);
          response.end(answer.body);
          const ms = performance.now() - started;
          durationsOf(answer.status).observe(ms / 1000);
          if (logger.isLevelEnabled("info")) {
            logger.info({ requestId, method: "POST", path: TOKEN_PATH, status: answer.status, ms: Math.round(ms) }, "request");
          }
        });
    });
    return true;
  };
}

/** The token path, with or without a query string (the route matches the path alone). */
function isTokenPath(url: string | undefined): boolean {
  return url === TOKEN_PATH || (url?.startsWith(`${TOKEN_PATH}?`) ?? false);
}

/** The declared body length, or undefined when there is none (chunked) or it is not a number. */
function contentLength(request: IncomingMessage): number | undefined {
  if (request.headers["transfer-encoding"] !== undefined) return undefined;
  const declared = request.headers["content-length"];
  return declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
}
