import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

describe("the HTTP server", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("is alive at /healthz", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("is ready at /readyz once the database is migrated", async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  it("answers GraphQL, anonymously for public fields", async () => {
    const response = await server.graphql<{ serverInfo: { version: string } }>("{ serverInfo { version } }");
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data?.serverInfo.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("serves GraphiQL from Gatehouse itself, nothing from a CDN", async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain("Gatehouse GraphiQL");
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)\s*=\s*["']https?:/i);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await fetch(`${server.url}/admin`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "not_found" });
  });

  it("reports a syntax error as a GraphQL error with a code, not a crash", async () => {
    const response = await server.graphql("{ serverInfo { ");
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toMatch(/Syntax Error/);
    expect(response.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("reports an operation that does not fit the schema with a code", async () => {
    const response = await server.graphql("{ serverInfo { nope } }");
    expect(response.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("readiness", () => {
  it("turns 503 when the database becomes unreachable, while liveness stays up", async () => {
    const server = await startTestServer();
    try {
      await server.db.close();
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "database unavailable" });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.stop().catch(() => {});
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes an in-flight request, refuses new connections, then stops", async () => {
    const server = await startTestServer();
    const body = JSON.stringify({ query: "{ serverInfo { version } }" });
    // A request whose body is still arriving is in flight: the server cannot answer it yet. It asks
    // for 100 Continue, which Node's server sends once it has parsed the headers: from then on the
    // request is in progress (a connection whose headers have not arrived yet is idle, and a stop
    // closes idle connections), whatever the machine's load.
    let headersParsed!: () => void;
    const parsed = new Promise<void>((resolve) => (headersParsed = resolve));
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/graphql`,
        {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.on("continue", () => {
        headersParsed();
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 300);
      });
      req.flushHeaders();
    });
    await parsed;

    const stopped = server.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ data: { serverInfo: { version: expect.any(String) } } });
    await stopped;
    await server.close().catch(() => {});
  });
});

describe("metrics", () => {
  it("are off unless a metrics token is configured", async () => {
    const server = await startTestServer();
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("are served to the holder of the metrics token, with requests and token decisions counted", async () => {
    const token = "m".repeat(32);
    const server = await startTestServer({ env: { GATEHOUSE_METRICS_TOKEN: token } });
    try {
      await fetch(`${server.url}/healthz`);
      await fetch(`${server.url}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=password" });
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(/gatehouse_http_request_duration_seconds_count\{route="\/healthz",method="GET",status="200"\} 1/);
      expect(text).toContain('gatehouse_token_requests_total{grant_type="other",outcome="unsupported_grant_type"} 1');
      expect(text).toContain("gatehouse_process_cpu_user_seconds_total");
    } finally {
      await server.close();
    }
  });
});
