// The HTTP envelope around GraphQL and OAuth, over real sockets: security headers on every page,
// a body limit, parse errors that never echo the input, and timeouts that free a connection from a
// slow or silent client.
import { request as httpRequest, type OutgoingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { startTestServer, type TestServer } from "../support/server.js";

/** A raw TCP client: what it sends, everything it received, and when the server closed it. */
function rawClient(url: string, ...chunks: string[]): { received: () => string; closed: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = "";
  socket.on("data", (data: Buffer) => (received += data.toString()));
  socket.on("connect", () => chunks.forEach((chunk) => socket.write(chunk)));
  const closed = new Promise<string>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
  });
  return { received: () => received, closed };
}

/**
 * A request whose body never completes: the answer must come from the headers (or the part sent)
 * alone. Nothing unread is left at the server, so its close cannot reset the connection under us.
 */
function unfinishedRequest(url: string, headers: OutgoingHttpHeaders, part?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", headers }, (response) => {
      let body = "";
      response.on("data", (data: Buffer) => (body += data.toString()));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on("error", reject);
    if (part === undefined) request.flushHeaders();
    else request.write(part);
  });
}

describe("security headers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("protect the GraphiQL page: no inline script, no framing, no sniffing, no referrer", async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy.split(";").find((directive) => directive.trim().startsWith("script-src"))).not.toMatch(/unsafe/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-frame-options")).toBe("DENY");

    // Every script is a same-origin file, or data the browser does not run.
    const html = await response.text();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toMatch(/src="\/graphiql\/|type="application\/json"/);
  });

  it("serve GraphiQL's files from Gatehouse, cacheable, and nothing else under their path", async () => {
    const html = await (await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } })).text();
    const script = /<script src="([^"]+)"/.exec(html)![1]!;
    const response = await fetch(`${server.url}${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(response.headers.get("cache-control")).toContain("immutable");
    expect(await response.text()).toContain("renderYogaGraphiQL");
    expect((await fetch(`${server.url}${script.replace("graphiql.js", "nope.js")}`)).status).toBe(404);
    expect((await fetch(`${server.url}/graphiql/0000000000000000/graphiql.js`)).status).toBe(404);
  });

  it("are on API responses too", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("request bodies", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { GATEHOUSE_MAX_BODY_BYTES: "4096" } });
  });
  afterAll(() => server.close());

  it("over the limit get 413 with a code at /graphql, as soon as the Content-Length says so", async () => {
    const response = await unfinishedRequest(`${server.url}/graphql`, { "content-type": "application/json", "content-length": "5000" });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({
      errors: [
        { message: "The request body is larger than 4096 bytes.", extensions: { code: "PAYLOAD_TOO_LARGE", details: { limitBytes: 4096 } } },
      ],
    });
  });

  it("over the limit get 413 when streamed without a length, too", async () => {
    const response = await unfinishedRequest(`${server.url}/graphql`, { "content-type": "application/json" }, `{"query": "${"x".repeat(5000)}`);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ errors: [{ extensions: { code: "PAYLOAD_TOO_LARGE" } }] });
  });

  it("over the limit get an OAuth error at the token endpoint", async () => {
    const response = await unfinishedRequest(`${server.url}/oauth/token`, {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": "5000",
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({ error: "invalid_request", error_description: "The request body is larger than 4096 bytes." });
  });

  it("under the limit are served", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ serverInfo { version } } # ${"x".repeat(4000)}` }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { serverInfo: { version: expect.any(String) } } });
  });

  it("that are not JSON get a parse error that does not echo them", async () => {
    const secret = "hunter2-secret-password";
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: `{"query": "{ serverInfo { version } }", "variables": { "password": ${secret}`,
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({ errors: [{ message: "POST body sent invalid JSON.", extensions: { code: "BAD_REQUEST" } }] });
  });
});

describe("malformed requests", () => {
  const SECRET = "hunter2-secret-password";
  const lines: string[] = [];
  let server: TestServer;
  beforeAll(async () => {
    // Every log line, at the most detailed level.
    server = await startTestServer({ logger: createLogger("trace", { write: (line: string) => void lines.push(line) }) });
  });
  afterAll(() => server.close());

  const bodies: [string, string, string][] = [
    ["not JSON", "application/json", `{"query": "{ serverInfo { version } }", "variables": { "password": ${SECRET}`],
    ["JSON that is not an object", "application/json", JSON.stringify(SECRET)],
    ["a parameter GraphQL over HTTP does not define", "application/json", JSON.stringify({ query: "{ serverInfo { version } }", [SECRET]: 1 })],
    ["variables that are not an object", "application/json", JSON.stringify({ query: "{ serverInfo { version } }", variables: SECRET })],
    ["a batch", "application/json", JSON.stringify([{ query: SECRET }])],
    ["a document stopped at a string", "application/json", JSON.stringify({ query: `{ organization "${SECRET}" }` })],
    ["a document stopped at a block string", "application/json", JSON.stringify({ query: `{ organization """${SECRET}""" }` })],
    ["a document of two strings", "application/json", JSON.stringify({ query: `"x" "${SECRET}"` })],
    ["a form", "application/x-www-form-urlencoded", `query=${SECRET}`],
  ];

  it.each(bodies)("(%s) are refused with a code, quoting nothing of the request in the response or in any log line", async (_what, type, body) => {
    lines.length = 0;
    const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": type, accept: "application/json" }, body });
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(500);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect((JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toMatch(/^[A-Z_]+$/);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes(SECRET))).toEqual([]);
  });
});

describe("slow and silent clients", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: {
        GATEHOUSE_HEADERS_TIMEOUT_MS: "1000",
        GATEHOUSE_REQUEST_TIMEOUT_MS: "2000",
        GATEHOUSE_KEEP_ALIVE_TIMEOUT_MS: "1000",
        GATEHOUSE_IDLE_TIMEOUT_MS: "3000",
      },
    });
  });
  afterAll(() => server.close());

  it("are closed with 408 when their headers do not arrive in time", async () => {
    const client = rawClient(server.url, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("are closed with 408 when they open a connection and send nothing", async () => {
    const client = rawClient(server.url);
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("are closed with 408 when their body does not arrive in time", async () => {
    const client = rawClient(
      server.url,
      "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
      '{"query": "{ serverInfo',
    );
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("are closed once idle after their last response", async () => {
    const client = rawClient(server.url, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const received = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toMatch(/Keep-Alive: timeout=1\r\n/i);
  });

  it("do not disturb a client that sends its request at once", async () => {
    const response = await server.graphql<{ serverInfo: { version: string } }>("{ serverInfo { version } }");
    expect(response.data?.serverInfo.version).toEqual(expect.any(String));
  });
});
