// client_credentials at /oauth/token: management, organization and API tokens for M2M
// applications, driven first by a standard OAuth client library, then by raw requests for every
// refusal.
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../support/fixtures.js";
import { adminClient, requestToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let f: ReturnType<typeof fixtures>;
let management: string;

beforeAll(async () => {
  server = await startTestServer();
  f = fixtures(server.db.prisma);
  management = server.services.config.tokens.managementResource;
});
afterAll(() => server.close());

describe("client_credentials through oauth4webapi", () => {
  async function discover() {
    const issuer = new URL(server.services.issuer());
    const response = await oauth.discoveryRequest(issuer, { algorithm: "oauth2", [oauth.allowInsecureRequests]: true });
    return oauth.processDiscoveryResponse(issuer, response);
  }

  it.each([
    ["client_secret_basic", oauth.ClientSecretBasic],
    ["client_secret_post", oauth.ClientSecretPost],
  ] as const)("issues a management token with %s", async (_method, clientAuth) => {
    const as = await discover();
    const [clientId, clientSecret] = await adminClient(server);
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: clientId },
      clientAuth(clientSecret),
      new URLSearchParams({ resource: management, scope: "organizations:read all" }),
      { [oauth.allowInsecureRequests]: true },
    );
    const result = await oauth.processClientCredentialsResponse(as, { client_id: clientId }, response);
    expect(result.token_type).toBe("bearer");
    // `all` implies the narrower scope, so both are granted as asked.
    expect(result.scope).toBe("all organizations:read");

    const { payload, protectedHeader } = await jwtVerify(result.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)), {
      issuer: as.issuer,
      audience: management,
      typ: "at+jwt",
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload).toMatchObject({ sub: clientId, client_id: clientId, scope: "all organizations:read" });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.jti).toEqual(expect.any(String));
  });
});

describe("client_credentials tokens", () => {
  it("gives an organization member application an organization token with its roles' permissions", async () => {
    const organization = await f.organization();
    const app = await f.application();
    const role = await f.organizationRole({ type: "MACHINE_TO_MACHINE", permissions: ["sync:data", "read:organization"] });
    await f.applicationMember(organization.id, app.id, [role.id]);

    const response = await requestToken(server, { grant_type: "client_credentials", organization_id: organization.id }, { basic: [app.id, app.secret] });
    expect(response.status).toBe(200);
    expect(response.body.scope).toBe("read:organization sync:data");
    const claims = decodeJwt(response.body.access_token!);
    expect(claims).toMatchObject({
      aud: `urn:logto:organization:${organization.id}`,
      organization_id: organization.id,
      sub: app.id,
      client_id: app.id,
      scope: "read:organization sync:data",
    });
  });

  it("issues the requested scopes that the roles grant, and drops the others silently", async () => {
    const organization = await f.organization();
    const app = await f.application();
    const role = await f.organizationRole({ type: "MACHINE_TO_MACHINE", permissions: ["a:read", "a:write"] });
    await f.applicationMember(organization.id, app.id, [role.id]);
    const response = await requestToken(
      server,
      { grant_type: "client_credentials", organization_id: organization.id, scope: "a:write b:admin" },
      { basic: [app.id, app.secret] },
    );
    expect(response.body.scope).toBe("a:write");
  });

  it("gives an organization-level API token: API permissions from organization roles, the resource's lifetime", async () => {
    const organization = await f.organization();
    const app = await f.application();
    const resource = await f.apiResource("https://billing.example.test", ["invoices:read", "invoices:write"], 600);
    const invoicesRead = resource.scopes.find((scope) => scope.name === "invoices:read")!;
    const role = await f.organizationRole({ type: "MACHINE_TO_MACHINE", resourceScopeIds: [invoicesRead.id] });
    await f.applicationMember(organization.id, app.id, [role.id]);

    const response = await requestToken(
      server,
      { grant_type: "client_credentials", organization_id: organization.id, resource: resource.indicator },
      { basic: [app.id, app.secret] },
    );
    expect(response.body).toMatchObject({ scope: "invoices:read", expires_in: 600 });
    expect(decodeJwt(response.body.access_token!)).toMatchObject({ aud: resource.indicator, organization_id: organization.id });
  });

  it("gives a global API token from global roles only, never from organization roles", async () => {
    const organization = await f.organization();
    const app = await f.application();
    const resource = await f.apiResource("https://reports.example.test", ["reports:read", "reports:export"]);
    const read = resource.scopes.find((scope) => scope.name === "reports:read");
    const exportScope = resource.scopes.find((scope) => scope.name === "reports:export");
    const globalRole = await f.globalRole({ type: "MACHINE_TO_MACHINE", scopeIds: [read!.id] });
    await server.db.prisma.applicationRole.create({ data: { applicationId: app.id, roleId: globalRole.id } });
    const orgRole = await f.organizationRole({ type: "MACHINE_TO_MACHINE", resourceScopeIds: [exportScope!.id] });
    await f.applicationMember(organization.id, app.id, [orgRole.id]);

    const response = await requestToken(server, { grant_type: "client_credentials", resource: resource.indicator }, { basic: [app.id, app.secret] });
    expect(response.body.scope).toBe("reports:read");
    expect(decodeJwt(response.body.access_token!).organization_id).toBeUndefined();
  });
});

describe("client_credentials refusals", () => {
  async function app() {
    return f.application();
  }

  it("refuses an application that is not a member of the organization", async () => {
    const { id, secret } = await app();
    const organization = await f.organization();
    const response = await requestToken(server, { grant_type: "client_credentials", organization_id: organization.id }, { basic: [id, secret] });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: "access_denied", error_description: "application is not a member of the organization" });
  });

  it("answers an unknown organization exactly like one the application is not in", async () => {
    const { id, secret } = await app();
    const response = await requestToken(server, { grant_type: "client_credentials", organization_id: "no-such-org" }, { basic: [id, secret] });
    expect(response.body).toEqual({ error: "access_denied", error_description: "application is not a member of the organization" });
  });

  it("needs client authentication, with a 401 and WWW-Authenticate when it fails", async () => {
    const { id, secret } = await app();
    for (const attempt of [
      requestToken(server, { grant_type: "client_credentials", resource: management }),
      requestToken(server, { grant_type: "client_credentials", resource: management }, { basic: [id, `${secret}x`] }),
      requestToken(server, { grant_type: "client_credentials", resource: management }, { basic: ["unknown-client", secret] }),
      requestToken(server, { grant_type: "client_credentials", resource: management, client_id: id, client_secret: "wrong" }),
    ]) {
      const response = await attempt;
      expect(response.status).toBe(401);
      expect(response.body.error).toBe("invalid_client");
      expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="gatehouse"/);
    }
  });

  it("refuses two authentication methods at once", async () => {
    const { id, secret } = await app();
    const response = await requestToken(
      server,
      { grant_type: "client_credentials", resource: management, client_id: id, client_secret: secret },
      { basic: [id, secret] },
    );
    expect(response.body).toEqual({ error: "invalid_request", error_description: "use one client authentication method, not both" });
  });

  it("refuses repeated parameters, but reports a repeated resource as invalid_target", async () => {
    const { id, secret } = await app();
    const repeatedScope = new URLSearchParams([["grant_type", "client_credentials"], ["scope", "a"], ["scope", "b"]]);
    expect((await requestToken(server, repeatedScope, { basic: [id, secret] })).body).toEqual({
      error: "invalid_request",
      error_description: "parameter scope is repeated",
    });
    // A parameter Gatehouse does not read is not named: errors do not echo input.
    const repeatedUnknown = new URLSearchParams([["grant_type", "client_credentials"], ["x-<b>", "1"], ["x-<b>", "2"]]);
    expect((await requestToken(server, repeatedUnknown, { basic: [id, secret] })).body).toEqual({
      error: "invalid_request",
      error_description: "a parameter is repeated",
    });
    const twoResources = new URLSearchParams([["grant_type", "client_credentials"], ["resource", management], ["resource", "https://x.test"]]);
    expect((await requestToken(server, twoResources, { basic: [id, secret] })).body.error).toBe("invalid_target");
  });

  it.each([
    [{ resource: "not a uri" }, "invalid_target", "resource must be an absolute URI"],
    [{ resource: "https://api.test/#fragment" }, "invalid_target", "resource must not have a fragment"],
    [{ resource: "https://unregistered.example.test" }, "invalid_target", "resource is not a registered API resource indicator"],
    [{}, "invalid_request", "organization_id or resource is required"],
    [{ resource: "https://x.test", scope: 'quote"d' }, "invalid_scope", "scope holds characters RFC 6749 does not allow"],
  ])("refuses %j with %s", async (params, error, description) => {
    const { id, secret } = await app();
    const response = await requestToken(server, { grant_type: "client_credentials", ...params }, { basic: [id, secret] });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error, error_description: description });
  });

  it("refuses unknown and missing grant types and non-form bodies", async () => {
    // The description never repeats the caller's value.
    expect((await requestToken(server, { grant_type: "password<script>" })).body).toEqual({
      error: "unsupported_grant_type",
      error_description: "grant_type is not supported: use client_credentials or token exchange",
    });
    expect((await requestToken(server, { scope: "x" })).body).toEqual({ error: "invalid_request", error_description: "grant_type is required" });
    const json = await requestToken(server, { grant_type: "client_credentials" }, { contentType: "application/json" });
    expect(json.body.error).toBe("invalid_request");
  });

  it("marks every answer, refusals included, as not to be stored", async () => {
    const response = await requestToken(server, { grant_type: "password" });
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
  });

  it("answers other methods with 405", async () => {
    const response = await fetch(`${server.url}/oauth/token`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("records grants and denials in the audit trail", async () => {
    const { id, secret } = await app();
    await requestToken(server, { grant_type: "client_credentials", organization_id: "nowhere" }, { basic: [id, secret] });
    const denial = await server.db.prisma.auditEvent.findFirst({
      where: { action: "token.denied", actor: `application:${id}` },
      orderBy: { id: "desc" },
    });
    expect(denial?.data).toMatchObject({ grantType: "client_credentials", error: "access_denied" });
  });
});
