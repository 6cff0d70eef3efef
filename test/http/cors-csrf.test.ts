// Who may call /graphql from a browser: CORS only for configured origins and never with
// credentials, and no request a browser sends without a preflight (a form, a plain GET) executes.
// The public OAuth documents and the token endpoint stay open to every origin, credential-less.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { managementToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

const APP = "https://app.example.com";
const EVIL = "https://evil.example";

function preflight(url: string, origin: string, method = "POST", headers = "content-type,authorization"): Promise<Response> {
  return fetch(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
  });
}

const query = JSON.stringify({ query: "{ serverInfo { version } }" });

describe("CORS on /graphql, by default", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("allows no other origin: no reflection, no credentials", async () => {
    const answer = await preflight(`${server.url}/graphql`, EVIL);
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();

    const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { origin: EVIL, "content-type": "application/json" }, body: query });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("keeps the OAuth metadata, JWKS and token endpoint open to every origin, without credentials", async () => {
    for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration", "/oauth/jwks"]) {
      const response = await fetch(`${server.url}${path}`, { headers: { origin: EVIL } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(response.headers.get("access-control-allow-credentials"), path).toBeNull();
    }
    const answer = await preflight(`${server.url}/oauth/token`, EVIL, "POST", "content-type");
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("CORS on /graphql, with an allow-list", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { GATEHOUSE_CORS_ORIGINS: `${APP},http://localhost:5173` } });
  });
  afterAll(() => server.close());

  it("allows a listed origin, and varies on Origin, without credentials", async () => {
    const answer = await preflight(`${server.url}/graphql`, APP);
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe(APP);
    expect(answer.headers.get("access-control-allow-methods")).toBe("GET,POST");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();

    const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { origin: APP, "content-type": "application/json" }, body: query });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("vary")).toMatch(/Origin/);
  });

  it("does not allow an origin off the list, nor one that merely starts like a listed one", async () => {
    for (const origin of [EVIL, `${APP}.evil.example`, "http://app.example.com", "null"]) {
      const answer = await preflight(`${server.url}/graphql`, origin);
      expect(answer.headers.get("access-control-allow-origin"), origin).toBeNull();
    }
  });
});

describe("CSRF prevention on /graphql", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await managementToken(server);
  });
  afterAll(() => server.close());

  const mutation = 'mutation { createOrganization(input: { name: "Forged" }) { id } }';

  async function organizationsNamedForged(): Promise<number> {
    return server.db.prisma.organization.count({ where: { name: "Forged" } });
  }

  it("refuses a form post (what a cross-site <form> sends) with 415 and a code, running nothing", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: mutation }),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: "POST requests must send a JSON body (Content-Type: application/json).",
          extensions: { code: "UNSUPPORTED_MEDIA_TYPE", details: { accepted: ["application/json"] } },
        },
      ],
    });
    expect(await organizationsNamedForged()).toBe(0);
  });

  it("refuses multipart and text/plain bodies, and a body without a type, alike", async () => {
    const multipart = new FormData();
    multipart.set("operations", JSON.stringify({ query: mutation }));
    multipart.set("map", "{}");
    const bodies: [string, RequestInit][] = [
      ["multipart", { body: multipart }],
      ["text/plain", { headers: { "content-type": "text/plain" }, body: JSON.stringify({ query: mutation }) }],
      ["none", { body: new Blob([JSON.stringify({ query: mutation })]) }],
    ];
    for (const [name, init] of bodies) {
      const response = await fetch(`${server.url}/graphql`, {
        ...init,
        method: "POST",
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      });
      expect(response.status, name).toBe(415);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code, name).toBe(
        "UNSUPPORTED_MEDIA_TYPE",
      );
    }
    expect(await organizationsNamedForged()).toBe(0);
  });

  it("runs a JSON post, charset and all", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: query,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { serverInfo: { version: expect.any(String) } } });
  });

  it("refuses a GET without a header that forces a preflight, with 403 and a code", async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ serverInfo { version } }")}`);
    expect(response.status).toBe(403);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("CSRF_PREVENTED");
  });

  it("runs a GET carrying Authorization or a preflight header", async () => {
    const url = `${server.url}/graphql?query=${encodeURIComponent("{ serverInfo { version } }")}`;
    const headers: [string, string][] = [["authorization", `Bearer ${token}`], ["x-graphql-yoga-csrf", "1"], ["apollo-require-preflight", "true"]];
    for (const header of headers) {
      const response = await fetch(url, { headers: [header] });
      expect(response.status, header[0]).toBe(200);
      expect(await response.json()).toEqual({ data: { serverInfo: { version: expect.any(String) } } });
    }
  });

  it("never runs a mutation from a GET", async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent(mutation)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(405);
    expect(await organizationsNamedForged()).toBe(0);
  });

  it("still serves the GraphiQL page to a browser's plain GET", async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
  });
});
