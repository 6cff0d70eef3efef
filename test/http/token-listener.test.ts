// The token endpoint has two transports: Node's request listener for the common case (a POST with
// a Content-Length within the body limit) and Hono's route for the rest (here: a chunked body).
// They must answer alike — same statuses, bodies and headers — whichever serves a request.
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenListener } from "../../src/http/oauth/token-listener.js";
import type { TokenHttpRequest } from "../../src/http/oauth/token.js";
import { Metrics } from "../../src/http/metrics.js";
import { createLogger } from "../../src/logger.js";
import { adminClient } from "../support/oauth.js";
import { type TestServer, startTestServer } from "../support/server.js";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** POSTs `body` to `url`, with a Content-Length (`sized`) or chunked. */
function post(url: string, headers: Record<string, string>, body: string, sized: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      { method: "POST", headers: { ...headers, ...(sized ? { "content-length": String(Buffer.byteLength(body)) } : {}) } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    sent.on("error", reject);
    if (sized) sent.end(body);
    else {
      sent.write(body);
      sent.end();
    }
  });
}

/** Headers that name the message or the connection rather than the answer. */
const PER_MESSAGE = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding", "x-request-id"]);
const answerHeaders = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_MESSAGE.has(name)).sort(([a], [b]) => a.localeCompare(b)));

describe("the token endpoint's two transports", () => {
  let server: TestServer;
  let basic: string;
  beforeAll(async () => {
    server = await startTestServer();
    const [id, secret] = await adminClient(server);
    basic = `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  });
  afterAll(() => server.close());

  const form = { "content-type": "application/x-www-form-urlencoded" };
  const both = async (headers: Record<string, string>, body: string) => {
    const url = `${server.url}/oauth/token`;
    return [await post(url, headers, body, true), await post(url, headers, body, false)] as const;
  };

  it("issue the same token with the same headers", async () => {
    const body = new URLSearchParams({ grant_type: "client_credentials", resource: server.services.config.tokens.managementResource, scope: "organizations:read" });
    const [listener, hono] = await both({ ...form, authorization: basic }, body.toString());
    expect(listener.status).toBe(200);
    expect(hono.status).toBe(200);
    const withoutToken = (answer: Answer) => ({ ...(JSON.parse(answer.body) as Record<string, unknown>), access_token: "…" });
    expect(withoutToken(listener)).toEqual(withoutToken(hono));
    expect(answerHeaders(listener.headers)).toEqual(answerHeaders(hono.headers));
    expect(listener.headers).toMatchObject({
      "cache-control": "no-store",
      "content-type": "application/json",
      "access-control-allow-origin": "*",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "content-security-policy": expect.stringContaining("default-src 'none'"),
      "x-request-id": expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("refuse alike: bad client credentials, a bad body, an unknown grant", async () => {
    for (const [headers, body] of [
      [{ ...form, authorization: "Basic bm9ib2R5Om5vdGhpbmc=" }, "grant_type=client_credentials&resource=https://x.example"],
      [{ "content-type": "application/json", authorization: basic }, '{"grant_type":"client_credentials"}'],
      [{ ...form, authorization: basic }, "grant_type=password&grant_type=password"],
      [{ ...form, authorization: basic }, "grant_type=urn:example:unknown"],
    ] as const) {
      const [listener, hono] = await both(headers, body);
      expect(listener.status).toBeGreaterThanOrEqual(400);
      expect({ status: listener.status, body: listener.body }).toEqual({ status: hono.status, body: hono.body });
      expect(answerHeaders(listener.headers)).toEqual(answerHeaders(hono.headers));
    }
  });

  it("echo a caller's request id, and replace one Hono would not take", async () => {
    const body = "grant_type=urn:example:unknown";
    const [listener, hono] = await both({ ...form, "x-request-id": "trace-42=" }, body);
    expect(listener.headers["x-request-id"]).toBe("trace-42=");
    expect(hono.headers["x-request-id"]).toBe("trace-42=");
    const [replaced] = await both({ ...form, "x-request-id": "not ok!" }, body);
    expect(replaced.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("the token listener", () => {
  const seen: TokenHttpRequest[] = [];
  let url: string;
  const http = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    if (!listener(incoming, response)) response.end("next");
  });
  const listener = tokenListener({
    endpoint: async (tokenRequest) => {
      seen.push(tokenRequest);
      return { status: 200, headers: { "content-type": "application/json" }, body: "{}" };
    },
    maxBodyBytes: 64,
    headers: [["x-frame-options", "DENY"]],
    metrics: new Metrics({ openSubscriptions: () => 0 }),
    logger: createLogger("silent"),
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

  it("takes a POST to the token path with a Content-Length within the limit, and passes the rest on unread", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded", authorization: "Basic eDp5" };
    expect((await post(`${url}/oauth/token`, form, "grant_type=client_credentials", true)).body).toBe("{}");
    expect(seen.at(-1)).toEqual({
      address: "127.0.0.1",
      contentType: "application/x-www-form-urlencoded",
      authorization: "Basic eDp5",
      body: "grant_type=client_credentials",
    });
    expect((await post(`${url}/oauth/token?x=1`, form, "a=b", true)).body).toBe("{}");
    const passedOn = [
      await post(`${url}/oauth/token`, form, "grant_type=client_credentials", false),
      await post(`${url}/oauth/token`, form, "x".repeat(65), true),
      await post(`${url}/oauth/tokens`, form, "a=b", true),
      await post(`${url}/graphql`, form, "a=b", true),
    ];
    expect(passedOn.map((answer) => answer.body)).toEqual(["next", "next", "next", "next"]);
    expect(seen).toHaveLength(2);
  });

  it("decodes the body as Request.text() does", async () => {
    await post(`${url}/oauth/token`, {}, "\uFEFFa=\u00e9", true);
    expect(seen.at(-1)?.body).toBe("a=\u00e9");
  });
});
