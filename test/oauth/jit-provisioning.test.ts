// Just-in-time provisioning, end to end: an admin configures an organization's email domains and
// roles through GraphQL; users sign in at a real identity provider (oidc-provider) and exchange
// that sign-in token at Gatehouse's token endpoint, the first exchange creating their user.
import { randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "../support/fixtures.js";
import { type Caller, admin, caller, ok } from "../support/graphql.js";
import { type Account, type IdentityProvider, startIdentityProvider } from "../support/identity-provider.js";
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, type TokenResponse, requestToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let idp: IdentityProvider;
let server: TestServer;
let gql: Caller;

const unique = () => randomBytes(4).toString("hex");
const NOT_A_MEMBER = { error: "access_denied", error_description: "user is not a member of the organization" };

beforeAll(async () => {
  idp = await startIdentityProvider();
  server = await startTestServer({ env: { GATEHOUSE_TRUSTED_ISSUERS: JSON.stringify([idp.trustedIssuer({ createUsers: true })]) } });
  gql = await admin(server);
  const f = fixtures(server.db.prisma);
  await f.organizationRole({ name: "editor", permissions: ["read:organization", "write:docs"] });
  await f.organizationRole({ name: "reader", permissions: ["read:members", "read:organization"] });
});
afterAll(async () => {
  await server.close();
  await idp.close();
});

/** A new organization provisioning `domain` with `roleNames`, configured through GraphQL. */
async function jitOrganization(domain: string, roleNames: string[]): Promise<string> {
  const { createOrganization } = ok(await gql(`mutation { createOrganization(input: { name: "JIT ${domain}" }) { id } }`));
  const organizationId = createOrganization.id as string;
  ok(
    await gql(`mutation ($input: OrganizationJitEmailDomainsInput!) { addOrganizationJitEmailDomains(input: $input) { id } }`, {
      input: { organizationId, emailDomains: [domain] },
    }),
  );
  ok(
    await gql(`mutation ($input: OrganizationJitRolesInput!) { setOrganizationJitRoles(input: $input) { id } }`, {
      input: { organizationId, roleNames },
    }),
  );
  return organizationId;
}

/** Signs a (new, unless the account was seen before) account in at the identity provider. */
function signIn(account: Account, accountId = `user-${unique()}`): Promise<string> {
  idp.accounts.set(accountId, { name: accountId, ...account });
  return idp.signIn(accountId);
}

function exchange(subjectToken: string, organizationId: string): Promise<TokenResponse> {
  return requestToken(server, {
    grant_type: TOKEN_EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    organization_id: organizationId,
  });
}

const userOf = async (idpToken: string) => {
  const identity = await server.db.prisma.userIdentity.findUniqueOrThrow({
    where: { issuer_subject: { issuer: idp.issuer, subject: decodeJwt(idpToken).sub! } },
    include: { user: { include: { memberships: true } } },
  });
  return identity.user;
};

describe("a new user with a verified email at a JIT domain", () => {
  it("exchanges their first sign-in token for an organization token carrying the JIT roles' permissions", async () => {
    const domain = `acme-${unique()}.test`;
    const acme = await jitOrganization(domain, ["editor", "reader"]);
    const labs = await jitOrganization(domain, []);
    const idpToken = await signIn({ email: `Nina@${domain.toUpperCase()}`, emailVerified: true });

    const response = await exchange(idpToken, acme);
    expect(response.status).toBe(200);
    expect(response.body.scope).toBe("read:members read:organization write:docs");
    const user = await userOf(idpToken);
    expect(decodeJwt(response.body.access_token!)).toMatchObject({ sub: user.id, organization_id: acme });

    const member = `query ($id: ID!, $user: ID!) { organization(id: $id) { member(userId: $user) { roles { name } } } }`;
    expect(ok(await gql(member, { id: acme, user: user.id })).organization.member.roles).toEqual([{ name: "editor" }, { name: "reader" }]);
    expect(ok(await gql(member, { id: labs, user: user.id })).organization.member.roles).toEqual([]);

    const events = await server.db.prisma.auditEvent.findMany({
      where: { action: "organization.user_provisioned", targetId: user.id },
      orderBy: { organizationId: "asc" },
    });
    expect(events.map((event) => [event.organizationId, event.actor, (event.data as { emailDomain: string }).emailDomain])).toEqual(
      [acme, labs].sort().map((organizationId) => [organizationId, `user:${user.id}`, domain]),
    );
  });

  it("is provisioned on first sight through GraphQL too, and sees the organization as a viewer", async () => {
    const domain = `initech-${unique()}.test`;
    const initech = await jitOrganization(domain, ["reader"]);
    const idpToken = await signIn({ email: `peter@${domain}`, emailVerified: true });

    const viewer = ok(await caller(server, idpToken)(`{ viewer { organizations { edges { node { id roles { name } } } } } }`));
    expect(viewer.viewer.organizations.edges).toEqual([{ node: { id: initech, roles: [{ name: "reader" }] } }]);
  });
});

describe("users who are not provisioned", () => {
  it.each([
    ["an unverified email at the domain", (domain: string) => ({ email: `eve@${domain}`, emailVerified: false })],
    ["a verified email at another domain", () => ({ email: `eve@other-${unique()}.test`, emailVerified: true })],
    ["a verified email at a subdomain", (domain: string) => ({ email: `eve@eng.${domain}`, emailVerified: true })],
    ["a verified email at a domain ending like it", (domain: string) => ({ email: `eve@not${domain}`, emailVerified: true })],
    ["no email", () => ({})],
  ])("%s: created, but a member of nothing", async (_case, account) => {
    const domain = `acme-${unique()}.test`;
    const organizationId = await jitOrganization(domain, ["reader"]);
    const idpToken = await signIn(account(domain));

    expect((await exchange(idpToken, organizationId)).body).toEqual(NOT_A_MEMBER);
    expect((await userOf(idpToken)).memberships).toEqual([]);
  });

  it("an existing user, when their domain is added later", async () => {
    const domain = `globex-${unique()}.test`;
    const idpToken = await signIn({ email: `hank@${domain}`, emailVerified: true });
    const globex = (await server.db.prisma.organization.create({ data: { name: "Globex" } })).id;
    expect((await exchange(idpToken, globex)).body).toEqual(NOT_A_MEMBER);

    ok(
      await gql(`mutation ($input: OrganizationJitEmailDomainsInput!) { addOrganizationJitEmailDomains(input: $input) { id } }`, {
        input: { organizationId: globex, emailDomains: [domain] },
      }),
    );
    expect((await exchange(idpToken, globex)).body).toEqual(NOT_A_MEMBER);
  });

  it("an existing user removed after joining just in time, signing in again", async () => {
    const domain = `umbrella-${unique()}.test`;
    const umbrella = await jitOrganization(domain, ["reader"]);
    const accountId = `alice-${unique()}`;
    const firstToken = await signIn({ email: `alice@${domain}`, emailVerified: true }, accountId);
    expect((await exchange(firstToken, umbrella)).status).toBe(200);

    const { id } = await userOf(firstToken);
    ok(await gql(`mutation ($org: ID!, $user: ID!) { removeOrganizationMember(input: { organizationId: $org, userId: $user }) }`, { org: umbrella, user: id }));
    expect((await exchange(await idp.signIn(accountId), umbrella)).body).toEqual(NOT_A_MEMBER);
  });

  it("a new user whose verified email another user already holds: created without it, and not provisioned", async () => {
    const domain = `hooli-${unique()}.test`;
    const hooli = await jitOrganization(domain, ["reader"]);
    await server.db.prisma.user.create({ data: { primaryEmail: `gavin@${domain}` } });
    const idpToken = await signIn({ email: `gavin@${domain}`, emailVerified: true });

    expect((await exchange(idpToken, hooli)).body).toEqual(NOT_A_MEMBER);
    expect(await userOf(idpToken)).toMatchObject({ primaryEmail: null, memberships: [] });
  });
});

describe("an issuer trusted for its emails (trustEmail)", () => {
  it("provisions new users whose email it does not mark verified", async () => {
    const trusting = await startTestServer({
      env: { GATEHOUSE_TRUSTED_ISSUERS: JSON.stringify([idp.trustedIssuer({ createUsers: true, trustEmail: true })]) },
    });
    try {
      const domain = `wayne-${unique()}.test`;
      const role = await fixtures(trusting.db.prisma).organizationRole({ permissions: ["read:organization"] });
      const wayne = await trusting.db.prisma.organization.create({
        data: { name: "Wayne", jitDomains: { create: { emailDomain: domain } }, jitRoles: { create: { roleId: role.id } } },
      });
      const idpToken = await signIn({ email: `bruce@${domain}` });
      const response = await requestToken(trusting, {
        grant_type: TOKEN_EXCHANGE,
        subject_token: idpToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
        organization_id: wayne.id,
      });
      expect(response.body.scope).toBe("read:organization");
    } finally {
      await trusting.close();
    }
  });
});
