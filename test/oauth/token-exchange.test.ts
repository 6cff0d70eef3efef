// Token exchange (RFC 8693) with a real identity provider: a user signs in at oidc-provider, and
// Gatehouse exchanges that access token for organization tokens, following DESIGN §3 row by row.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { type JWTPayload, SignJWT, createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDENTITY_AUDIENCE } from "../../src/domain/users.js";
import { fixtures } from "../support/fixtures.js";
import { type IdentityProvider, startIdentityProvider } from "../support/identity-provider.js";
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, type TokenResponse, requestToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let idp: IdentityProvider;
let server: TestServer;
let f: ReturnType<typeof fixtures>;

beforeAll(async () => {
  idp = await startIdentityProvider();
  server = await startTestServer({ env: { GATEHOUSE_TRUSTED_ISSUERS: JSON.stringify([idp.trustedIssuer()]) } });
  f = fixtures(server.db.prisma);
});
afterAll(async () => {
  await server.close();
  await idp.close();
});

function exchange(subjectToken: string, params: Record<string, string> = {}): Promise<TokenResponse> {
  return requestToken(server, {
    grant_type: TOKEN_EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    ...params,
  });
}

/** Signs `accountId` in at the identity provider; the first exchange creates their Gatehouse user. */
async function signedInUser(accountId: string, account: { mfaEnrolled?: boolean; amr?: string[] } = {}) {
  idp.accounts.set(accountId, { email: `${accountId}@example.test`, emailVerified: true, name: accountId, amr: account.amr });
  const idpToken = await idp.signIn(accountId);
  await exchange(idpToken, { organization_id: "bootstrap-lookup" });
  const identity = await server.db.prisma.userIdentity.findUniqueOrThrow({
    where: { issuer_subject: { issuer: idp.issuer, subject: accountId } },
  });
  if (account.mfaEnrolled) await server.db.prisma.user.update({ where: { id: identity.userId }, data: { mfaEnrolled: true } });
  return { userId: identity.userId, idpToken };
}

describe("a user signed in at a trusted identity provider", () => {
  it("exchanges the provider's access token for an organization token that verifies through Gatehouse's discovery", async () => {
    const { userId, idpToken } = await signedInUser("alice");
    const organization = await f.organization();
    const admin = await f.organizationRole({ permissions: ["read:organization", "invite:members", "remove:members"] });
    await f.member(organization.id, userId, [admin.id]);

    const response = await exchange(idpToken, { organization_id: organization.id });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      token_type: "Bearer",
      expires_in: 3600,
      issued_token_type: ACCESS_TOKEN_TYPE,
      scope: "invite:members read:organization remove:members",
    });

    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    const { payload } = await jwtVerify(response.body.access_token!, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: discovery.issuer,
      audience: `urn:logto:organization:${organization.id}`,
    });
    expect(payload).toMatchObject({
      sub: userId,
      organization_id: organization.id,
      client_id: "product-spa",
      scope: "invite:members read:organization remove:members",
    });
  });

  it("was created on first sight from the verified claims", async () => {
    const { userId } = await signedInUser("bob");
    const user = await server.db.prisma.user.findUniqueOrThrow({ where: { id: userId } });
    expect(user).toMatchObject({ primaryEmail: "bob@example.test", name: "bob" });
  });

  it("is refused an organization they are not a member of", async () => {
    const { idpToken } = await signedInUser("carol");
    const organization = await f.organization();
    const response = await exchange(idpToken, { organization_id: organization.id });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: "access_denied", error_description: "user is not a member of the organization" });
  });

  it("gets an organization-level API token: API permissions of organization roles, for that organization", async () => {
    const { userId, idpToken } = await signedInUser("dave");
    const [acme, globex] = [await f.organization(), await f.organization()];
    const resource = await f.apiResource("https://projects.example.test", ["projects:read", "projects:write"], 1200);
    const byName = (name: string) => resource.scopes.find((scope) => scope.name === name)!.id;
    await f.member(acme.id, userId, [(await f.organizationRole({ resourceScopeIds: [byName("projects:read")] })).id]);
    await f.member(globex.id, userId, [(await f.organizationRole({ resourceScopeIds: [byName("projects:write")] })).id]);

    const response = await exchange(idpToken, { organization_id: acme.id, resource: resource.indicator });
    expect(response.body).toMatchObject({ scope: "projects:read", expires_in: 1200 });
    expect(decodeJwt(response.body.access_token!)).toMatchObject({ aud: resource.indicator, organization_id: acme.id });
  });

  it("gets a global API token with global-role permissions only: no organization-granted scope leaks in", async () => {
    const { userId, idpToken } = await signedInUser("erin");
    const organization = await f.organization();
    const resource = await f.apiResource("https://search.example.test", ["search:query", "search:admin"]);
    const byName = (name: string) => resource.scopes.find((scope) => scope.name === name)!.id;
    const globalRole = await f.globalRole({ scopeIds: [byName("search:query")] });
    await server.db.prisma.userRole.create({ data: { userId, roleId: globalRole.id } });
    await f.member(organization.id, userId, [(await f.organizationRole({ resourceScopeIds: [byName("search:admin")] })).id]);

    const response = await exchange(idpToken, { resource: resource.indicator });
    expect(response.body.scope).toBe("search:query");
    expect(decodeJwt(response.body.access_token!).organization_id).toBeUndefined();
  });

  it("gets a management token when a global role grants management scopes", async () => {
    const { userId, idpToken } = await signedInUser("frank");
    const managementResource = server.services.config.tokens.managementResource;
    const resource = await server.db.prisma.apiResource.create({
      data: { name: "management", indicator: managementResource, scopes: { create: [{ name: "users:read" }, { name: "all" }] } },
      include: { scopes: true },
    });
    const usersRead = resource.scopes.find((scope) => scope.name === "users:read")!;
    const role = await f.globalRole({ scopeIds: [usersRead.id] });
    await server.db.prisma.userRole.create({ data: { userId, roleId: role.id } });

    const response = await exchange(idpToken, { resource: managementResource, scope: "users:read all" });
    expect(response.body.scope).toBe("users:read");
    expect(decodeJwt(response.body.access_token!).aud).toBe(managementResource);
  });

  it("gets the requested scopes its roles grant, all granted scopes when none is requested, and sees template changes at once", async () => {
    const { userId, idpToken } = await signedInUser("grace");
    const organization = await f.organization();
    const role = await f.organizationRole({ permissions: ["docs:read", "docs:write"] });
    await f.member(organization.id, userId, [role.id]);

    expect((await exchange(idpToken, { organization_id: organization.id, scope: "docs:write docs:delete" })).body.scope).toBe(
      "docs:write",
    );
    expect((await exchange(idpToken, { organization_id: organization.id })).body.scope).toBe("docs:read docs:write");

    await server.db.prisma.organizationScope.delete({ where: { name: "docs:write" } });
    expect((await exchange(idpToken, { organization_id: organization.id })).body.scope).toBe("docs:read");
  });
});

describe("organizations that require MFA", () => {
  it("refuse members without MFA enrolled, and admit those with it", async () => {
    const organization = await f.organization({ isMfaRequired: true });
    const role = await f.organizationRole({ permissions: ["read:organization"] });
    const without = await signedInUser("heidi");
    const withMfa = await signedInUser("ivan", { mfaEnrolled: true });
    await f.member(organization.id, without.userId, [role.id]);
    await f.member(organization.id, withMfa.userId, [role.id]);

    expect((await exchange(without.idpToken, { organization_id: organization.id })).body).toEqual({
      error: "access_denied",
      error_description: "organization requires MFA but user has no MFA configured",
    });
    expect((await exchange(withMfa.idpToken, { organization_id: organization.id })).status).toBe(200);
  });

  it("in strict mode, also require a second factor in the subject token's amr", async () => {
    const strict = await startTestServer({
      env: { GATEHOUSE_TRUSTED_ISSUERS: JSON.stringify([idp.trustedIssuer()]), GATEHOUSE_MFA_REQUIRES_AMR: "true" },
    });
    try {
      const organization = await strict.db.prisma.organization.create({ data: { name: "Vault", isMfaRequired: true } });
      const results: Record<string, TokenResponse["body"]> = {};
      for (const [account, amr] of [["judy", ["pwd"]], ["ken", ["pwd", "otp"]]] as const) {
        idp.accounts.set(account, { amr: [...amr] });
        const idpToken = await idp.signIn(account);
        const params = { grant_type: TOKEN_EXCHANGE, subject_token: idpToken, subject_token_type: ACCESS_TOKEN_TYPE };
        await requestToken(strict, { ...params, organization_id: "lookup" });
        const identity = await strict.db.prisma.userIdentity.findUniqueOrThrow({
          where: { issuer_subject: { issuer: idp.issuer, subject: account } },
        });
        await strict.db.prisma.user.update({ where: { id: identity.userId }, data: { mfaEnrolled: true } });
        await strict.db.prisma.organizationMembership.create({ data: { organizationId: organization.id, userId: identity.userId } });
        results[account] = (await requestToken(strict, { ...params, organization_id: organization.id })).body;
      }
      expect(results.judy).toEqual({
        error: "access_denied",
        error_description: "organization requires MFA in this session, and the subject token's amr shows no second factor",
      });
      expect(results.ken?.access_token).toEqual(expect.any(String));
    } finally {
      await strict.close();
    }
  });
});

describe("subject tokens that are refused", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides?: JWTPayload) => idp.claims(overrides);
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

  async function refusal(subjectToken: string) {
    const response = await exchange(subjectToken, { organization_id: "any" });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe("invalid_grant");
    return response.body.error_description;
  }

  it("accepts a well-forged control token, so the refusals below are about what they change", async () => {
    expect((await exchange(await idp.forge(claims()), { organization_id: "any" })).body.error).toBe("access_denied");
  });

  it("refuses alg: none", async () => {
    expect(await refusal(`${b64({ alg: "none", typ: "at+jwt" })}.${b64(claims())}.`)).toBe(
      "subject_token is invalid: signing algorithm is not allowed",
    );
  });

  it("refuses an HMAC token keyed with the provider's public key", async () => {
    const publicPem = createPublicKey({ key: idp.privateJwk, format: "jwk" }).export({ type: "spki", format: "pem" });
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", kid: idp.privateJwk.kid })
      .sign(new TextEncoder().encode(String(publicPem)));
    expect(await refusal(forged)).toBe("subject_token is invalid: signing algorithm is not allowed");
  });

  it("refuses a token signed with another key under the provider's kid", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = privateKey.export({ format: "jwk" });
    expect(await refusal(await idp.forge(claims(), { key: key as never }))).toBe("subject_token is invalid: signature is invalid");
  });

  it("refuses a token signed with a key the provider never published", async () => {
    const { privateKey } = await generateKeyPair("RS256", { extractable: true });
    const forged = await idp.forge(claims(), { key: await exportJWK(privateKey), kid: "unpublished" });
    expect(await refusal(forged)).toBe("subject_token is invalid: signed with an unknown key");
  });

  it.each([
    ["an untrusted issuer", { iss: "https://evil.example.test" }, "issuer is not trusted"],
    ["another audience", { aud: "https://other-api.example.test" }, "audience is not accepted"],
    ["an expired token", { exp: now() - 120, iat: now() - 600 }, "expired"],
    ["a token not yet valid", { nbf: now() + 600 }, "not yet valid"],
  ])("refuses %s", async (_case, overrides, reason) => {
    expect(await refusal(await idp.forge(claims(overrides)))).toBe(`subject_token is invalid: ${reason}`);
  });

  it("tolerates a little clock skew", async () => {
    expect((await exchange(await idp.forge(claims({ nbf: now() + 10 })), { organization_id: "any" })).body.error).toBe(
      "access_denied",
    );
  });

  it("refuses a Gatehouse token that is not an identity token, and accepts one that is", async () => {
    const user = await f.user();
    const organizationToken = await server.services.tokens.sign(
      { sub: user.id, aud: "urn:logto:organization:x", client_id: "c", scope: "", organization_id: "x" },
      60,
    );
    expect(await refusal(organizationToken)).toBe("subject_token is not an identity token");
    const identityToken = await server.services.tokens.sign({ sub: user.id, aud: IDENTITY_AUDIENCE, client_id: "c", scope: "" }, 60);
    expect((await exchange(identityToken, { organization_id: "x" })).body.error).toBe("access_denied");
  });

  it("refuses garbage", async () => {
    expect(await refusal("not-a-jwt")).toBe("subject_token is invalid: not a well-formed JWT");
  });
});

describe("token exchange requests that are malformed", () => {
  it.each([
    [{ subject_token_type: ACCESS_TOKEN_TYPE }, "subject_token is required"],
    [{ subject_token: "x" }, "subject_token_type is required"],
    [{ subject_token: "x", subject_token_type: "urn:ietf:params:oauth:token-type:id_token" }, "subject_token_type must be an access_token or a jwt"],
    [{ subject_token: "x", subject_token_type: ACCESS_TOKEN_TYPE, requested_token_type: "urn:ietf:params:oauth:token-type:refresh_token" }, "requested_token_type must be urn:ietf:params:oauth:token-type:access_token"],
    [{ subject_token: "x", subject_token_type: ACCESS_TOKEN_TYPE, actor_token: "y" }, "delegation (actor_token) is not supported"],
    [{ subject_token: "x", subject_token_type: ACCESS_TOKEN_TYPE, audience: "z" }, "audience is not supported: use resource"],
  ])("refuses %j", async (params, description) => {
    const response = await requestToken(server, { grant_type: TOKEN_EXCHANGE, ...params });
    expect(response.body).toEqual({ error: "invalid_request", error_description: description });
  });
});

describe("a trusted issuer that does not create users", () => {
  it("refuses identities not yet linked to a Gatehouse user", async () => {
    const closed = await startTestServer({
      env: { GATEHOUSE_TRUSTED_ISSUERS: JSON.stringify([idp.trustedIssuer({ createUsers: false })]) },
    });
    try {
      const idpToken = await idp.signIn("stranger");
      const response = await requestToken(closed, {
        grant_type: TOKEN_EXCHANGE,
        subject_token: idpToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
        organization_id: "any",
      });
      expect(response.body).toEqual({ error: "invalid_grant", error_description: "no Gatehouse user is linked to this identity" });
    } finally {
      await closed.close();
    }
  });
});
