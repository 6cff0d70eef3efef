// Organization invitations through GraphQL: created by management or by an organization's own
// inviters (without escalating), one pending per invitee whatever the email's case, expiring on
// read, revoked and deleted, and accepted by the invitee with the one-time invitation token.
import { randomBytes } from "node:crypto";
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVITATION_TOKEN } from "../../src/domain/tokens/invitation.js";
import { fixtures } from "../support/fixtures.js";
import { type Caller, admin, caller, ok, refused } from "../support/graphql.js";
import { identityToken, organizationToken } from "../support/oauth.js";
import { organizationOfMembers } from "../support/organization-plane.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let world: Awaited<ReturnType<typeof organizationOfMembers>>;
let management: Caller;
let f: ReturnType<typeof fixtures>;

beforeAll(async () => {
  server = await startTestServer();
  world = await organizationOfMembers(server);
  management = await admin(server);
  f = fixtures(server.db.prisma);
  await f.organizationRole({ name: "robot", type: "MACHINE_TO_MACHINE", permissions: ["sync:data"] });
});
afterAll(() => server.close());

const organizationId = () => world.organization.id;
const DAY_MS = 86_400_000;

const CREATE = `mutation ($input: CreateOrganizationInvitationInput!) {
  createOrganizationInvitation(input: $input) {
    invitationToken
    invitation { id invitee status roles { name } inviter { id } acceptedUser { id } expiresAt createdAt }
  }
}`;
const LIST = `query ($id: ID!, $status: InvitationStatus, $search: String) {
  organization(id: $id) { invitations(status: $status, search: $search) { totalCount edges { node { id invitee status roles { name } } } } }
}`;
const REVOKE = `mutation ($input: OrganizationInvitationIdInput!) { revokeOrganizationInvitation(input: $input) { id status } }`;
const DELETE = `mutation ($input: OrganizationInvitationIdInput!) { deleteOrganizationInvitation(input: $input) }`;
const ACCEPT = `mutation ($input: AcceptOrganizationInvitationInput!) {
  acceptOrganizationInvitation(input: $input) { id name roles { name } permissions }
}`;

interface Created {
  invitationToken: string;
  invitation: { id: string; invitee: string; status: string; roles: { name: string }[]; inviter: { id: string } | null; expiresAt: string; createdAt: string };
}

const email = (name: string) => `${name}.${randomBytes(3).toString("hex")}@example.test`;

async function invite(gql: Caller, input: Record<string, unknown>): Promise<Created> {
  return ok(await gql<{ createOrganizationInvitation: Created }>(CREATE, { input: { organizationId: organizationId(), ...input } }))
    .createOrganizationInvitation;
}

/** A user with `primaryEmail`, and a caller with their identity token. */
async function signedIn(primaryEmail: string) {
  const user = await f.user({ primaryEmail });
  return { user, gql: caller(server, await identityToken(server, user.id)) };
}

const accept = (gql: Caller, invitationToken: string) => gql(ACCEPT, { input: { invitationToken } });
const ref = (invitationId: string) => ({ input: { organizationId: organizationId(), invitationId } });
const statusOf = async (id: string) => (await server.db.prisma.organizationInvitation.findUniqueOrThrow({ where: { id } })).status;
const expireInDatabase = (id: string) =>
  server.db.prisma.organizationInvitation.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });

describe("creating an invitation with a management token", () => {
  it("records the invitee and roles, expires in 7 days unless told, and returns a signed one-time token", async () => {
    const invitee = email("pat");
    const { invitation, invitationToken } = await invite(management, { invitee, roleNames: ["member"] });
    expect(invitation).toMatchObject({ invitee, status: "PENDING", roles: [{ name: "member" }], inviter: null });
    expect(Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)).toBe(7 * DAY_MS);

    expect(decodeProtectedHeader(invitationToken)).toMatchObject({ typ: "invitation+jwt", alg: "ES256", kid: expect.any(String) });
    expect(decodeJwt(invitationToken)).toMatchObject({
      iss: server.services.issuer(),
      aud: "urn:gatehouse:invitation",
      sub: invitation.id,
      exp: Math.floor(Date.parse(invitation.expiresAt) / 1000),
      jti: expect.any(String),
    });

    const listed = ok(await management(LIST, { id: organizationId(), search: invitee.toUpperCase() })).organization.invitations;
    expect(listed).toEqual({ totalCount: 1, edges: [{ node: { id: invitation.id, invitee, status: "PENDING", roles: [{ name: "member" }] } }] });
    const audit = await server.db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: invitation.id } });
    expect(audit).toMatchObject({ action: "organization_invitation.created", organizationId: organizationId() });
    expect(JSON.stringify(audit.data)).not.toContain(invitationToken);
  });

  it("takes an expiry of 1 to 30 days", async () => {
    const thirty = await invite(management, { invitee: email("long"), expiresInDays: 30 });
    expect(Date.parse(thirty.invitation.expiresAt) - Date.parse(thirty.invitation.createdAt)).toBe(30 * DAY_MS);
    for (const expiresInDays of [0, 31]) {
      const input = { organizationId: organizationId(), invitee: email("odd"), expiresInDays };
      refused(await management(CREATE, { input }), "BAD_USER_INPUT", "input.expiresInDays");
    }
  });

  it("refuses what is not an email, M2M roles and unknown roles", async () => {
    const create = (input: Record<string, unknown>) => management(CREATE, { input: { organizationId: organizationId(), ...input } });
    refused(await create({ invitee: "not an email" }), "BAD_USER_INPUT", "input.invitee");
    const mismatch = refused(await create({ invitee: email("bot"), roleNames: ["robot"] }), "ROLE_TYPE_MISMATCH");
    expect(mismatch.message).toBe("users can hold only USER roles; robot is MACHINE_TO_MACHINE");
    refused(await create({ invitee: email("ghost"), roleNames: ["no-such-role"] }), "NOT_FOUND", "input.roleNames");
    refused(await create({ invitee: email("ghost"), roleIds: ["no-such-id"] }), "NOT_FOUND", "input.roleIds");
    refused(await management(CREATE, { input: { organizationId: "no-such-organization", invitee: email("ghost") } }), "NOT_FOUND");
  });

  it("refuses an invitee who is already a member, whatever the email's case", async () => {
    const memberEmail = email("Member");
    const member = await f.user({ primaryEmail: memberEmail });
    await f.member(organizationId(), member.id);
    const conflict = refused(await management(CREATE, { input: { organizationId: organizationId(), invitee: memberEmail.toUpperCase() } }), "CONFLICT");
    expect(conflict.message).toContain("is already a member of the organization");
  });

  it("allows one pending invitation per invitee and organization, whatever the email's case", async () => {
    const invitee = email("Quinn");
    const first = await invite(management, { invitee });
    const conflict = refused(await management(CREATE, { input: { organizationId: organizationId(), invitee: invitee.toLowerCase() } }), "CONFLICT");
    expect(conflict.extensions?.details).toEqual({ invitationId: first.invitation.id });

    const elsewhere = await f.organization();
    ok(await management(CREATE, { input: { organizationId: elsewhere.id, invitee } }));
    ok(await management(REVOKE, ref(first.invitation.id)));
    await invite(management, { invitee: invitee.toUpperCase() });
  });
});

describe("expiry", () => {
  it("is computed on read: a pending invitation past its time lists as EXPIRED and cannot be revoked or accepted", async () => {
    const invitee = email("late");
    const { invitation, invitationToken } = await invite(management, { invitee });
    await expireInDatabase(invitation.id);

    const statuses = async (status?: string) =>
      ok(await management(LIST, { id: organizationId(), search: invitee, ...(status ? { status } : {}) })).organization.invitations.edges.map(
        (edge: { node: { status: string } }) => edge.node.status,
      );
    expect(await statuses()).toEqual(["EXPIRED"]);
    expect(await statuses("EXPIRED")).toEqual(["EXPIRED"]);
    expect(await statuses("PENDING")).toEqual([]);
    expect(await statuses("ACCEPTED")).toEqual([]);
    expect(await statusOf(invitation.id)).toBe("PENDING");

    expect(refused(await management(REVOKE, ref(invitation.id)), "CONFLICT").extensions?.details).toEqual({ status: "EXPIRED" });
    const { gql } = await signedIn(invitee);
    expect(refused(await accept(gql, invitationToken), "CONFLICT").message).toBe("the invitation is EXPIRED, not pending: it cannot be accepted anymore");
  });

  it("is written when a new invitation for the same invitee takes the expired one's place", async () => {
    const invitee = email("again");
    const old = await invite(management, { invitee });
    await expireInDatabase(old.invitation.id);
    const renewed = await invite(management, { invitee });
    expect(await statusOf(old.invitation.id)).toBe("EXPIRED");
    expect(renewed.invitation.status).toBe("PENDING");
  });
});

describe("revoking and deleting", () => {
  it("revokes a pending invitation once: final statuses do not change, and its token no longer works", async () => {
    const invitee = email("revoked");
    const { invitation, invitationToken } = await invite(management, { invitee });
    expect(ok(await management(REVOKE, ref(invitation.id))).revokeOrganizationInvitation).toEqual({ id: invitation.id, status: "REVOKED" });
    const again = refused(await management(REVOKE, ref(invitation.id)), "CONFLICT");
    expect(again.message).toBe("the invitation is REVOKED, not pending: it cannot be revoked anymore");
    const { gql } = await signedIn(invitee);
    refused(await accept(gql, invitationToken), "CONFLICT");
  });

  it("deletes an invitation in any status, only through its own organization", async () => {
    const { invitation, invitationToken } = await invite(management, { invitee: email("deleted") });
    const other = await f.organization();
    refused(await management(DELETE, { input: { organizationId: other.id, invitationId: invitation.id } }), "NOT_FOUND", "input.invitationId");
    expect(ok(await management(DELETE, ref(invitation.id))).deleteOrganizationInvitation).toBe(invitation.id);
    refused(await management(DELETE, ref(invitation.id)), "NOT_FOUND");
    const { gql } = await signedIn(email("anyone"));
    refused(await accept(gql, invitationToken), "NOT_FOUND");
    expect(await server.db.prisma.auditEvent.count({ where: { targetId: invitation.id, action: "organization_invitation.deleted" } })).toBe(1);
  });
});

describe("accepting", () => {
  it("makes the invitee a member with the invitation's roles, which the next organization token carries", async () => {
    const invitee = email("Newcomer");
    const { invitation, invitationToken } = await invite(management, { invitee: invitee.toLowerCase(), roleNames: ["member"] });
    const { user, gql } = await signedIn(invitee.toUpperCase());

    const joined = ok(await accept(gql, invitationToken)).acceptOrganizationInvitation;
    expect(joined).toEqual({
      id: organizationId(),
      name: "Acme",
      roles: [{ name: "member" }],
      permissions: ["read:applications", "read:members", "read:organization"],
    });
    const stored = await server.db.prisma.organizationInvitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(stored).toMatchObject({ status: "ACCEPTED", acceptedUserId: user.id });

    const token = decodeJwt(await organizationToken(server, user.id, organizationId()));
    expect(String(token.scope).split(" ").sort()).toEqual(["read:applications", "read:members", "read:organization"]);
    const accepted = ok(await management(`query ($id: ID!) { organization(id: $id) { invitations(status: ACCEPTED) { edges { node { id acceptedUser { id } } } } } }`, {
      id: organizationId(),
    })).organization.invitations.edges;
    expect(accepted).toContainEqual({ node: { id: invitation.id, acceptedUser: { id: user.id } } });
    expect(await server.db.prisma.auditEvent.count({ where: { targetId: invitation.id, action: "organization_invitation.accepted" } })).toBe(1);
  });

  it("works with the invitee's organization token too, and keeps an existing membership and its roles", async () => {
    const invitee = email("insider");
    const { invitationToken } = await invite(management, { invitee, roleNames: ["member"] });
    const user = await f.user({ primaryEmail: invitee });
    await f.member(organizationId(), user.id, [await world.role("viewer")]);
    const gql = caller(server, await organizationToken(server, user.id, organizationId()));
    expect(ok(await accept(gql, invitationToken)).acceptOrganizationInvitation.roles).toEqual([{ name: "member" }, { name: "viewer" }]);
  });

  it("is refused to anyone but the invitee, and to applications", async () => {
    const { invitation, invitationToken } = await invite(management, { invitee: email("intended") });
    const { user, gql } = await signedIn(email("someone-else"));
    const forbidden = refused(await accept(gql, invitationToken), "FORBIDDEN");
    expect(forbidden.message).toBe("the invitation was sent to another email address than your account's primary email");
    const noEmail = caller(server, await identityToken(server, (await f.user()).id));
    expect(refused(await accept(noEmail, invitationToken), "FORBIDDEN").message).toContain("no primary email");
    expect(refused(await accept(management, invitationToken), "FORBIDDEN").message).toContain("not of an application");
    refused(await accept(caller(server), invitationToken), "UNAUTHENTICATED");

    expect(await statusOf(invitation.id)).toBe("PENDING");
    expect(await server.db.prisma.organizationMembership.count({ where: { userId: user.id } })).toBe(0);
  });

  it("works once: a second accept is refused", async () => {
    const invitee = email("twice");
    const { invitationToken } = await invite(management, { invitee });
    const { gql } = await signedIn(invitee);
    ok(await accept(gql, invitationToken));
    const twice = refused(await accept(gql, invitationToken), "CONFLICT");
    expect(twice.extensions?.details).toEqual({ status: "ACCEPTED" });
  });

  it("survives a signing-key rotation while the invitation is pending", async () => {
    const invitee = email("rotated");
    const { invitationToken } = await invite(management, { invitee });
    const oldKid = decodeProtectedHeader(invitationToken).kid!;
    await server.services.keys.rotate();
    // Retired two days ago: longer than every access token lives, shorter than the invitation.
    await server.db.prisma.signingKey.update({ where: { kid: oldKid }, data: { retiredAt: new Date(Date.now() - 2 * DAY_MS) } });
    server.services.keys.invalidate();
    const { gql } = await signedIn(invitee);
    ok(await accept(gql, invitationToken));
  });
});

describe("invitation tokens that are not valid", () => {
  let invitationId: string;
  let gql: Caller;
  const issuer = () => server.services.issuer();

  beforeAll(async () => {
    const invitee = email("target");
    invitationId = (await invite(management, { invitee })).invitation.id;
    gql = (await signedIn(invitee)).gql;
  });

  const invitationClaims = (changes: { typ?: string; aud?: string; expiresAt?: number } = {}) => ({
    typ: changes.typ ?? INVITATION_TOKEN.typ,
    aud: changes.aud ?? INVITATION_TOKEN.audience,
    sub: invitationId,
    expiresAt: changes.expiresAt ?? Math.floor(Date.now() / 1000) + 3600,
  });

  it.each([
    ["not a JWT", async () => "not-a-jwt", "malformed or unverifiable"],
    ["expired", () => server.services.tokens.signToken(invitationClaims({ expiresAt: Math.floor(Date.now() / 1000) - 120 })), "expired"],
    ["for another audience", () => server.services.tokens.signToken(invitationClaims({ aud: "urn:gatehouse:identity" })), "audience is not accepted"],
    ["an access token", () => identityToken(server, invitationId), "wrong token type (typ)"],
    [
      "signed with a key that is not Gatehouse's",
      async () => {
        const { privateKey } = await generateKeyPair("ES256");
        return new SignJWT({})
          .setProtectedHeader({ alg: "ES256", kid: "forged", typ: INVITATION_TOKEN.typ })
          .setIssuer(issuer())
          .setAudience(INVITATION_TOKEN.audience)
          .setSubject(invitationId)
          .setExpirationTime("1h")
          .sign(privateKey);
      },
      "signed with an unknown key",
    ],
    [
      "altered after signing",
      async () => {
        const token = await server.services.tokens.signToken(invitationClaims());
        const [header, , signature] = token.split(".");
        const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: "another-invitation" })).toString("base64url");
        return `${header}.${payload}.${signature}`;
      },
      "signature is invalid",
    ],
  ])("refuses one %s with BAD_USER_INPUT and the reason", async (_case, token, reason) => {
    const error = refused(await accept(gql, await token()), "BAD_USER_INPUT", "input.invitationToken");
    expect(error.extensions?.details).toEqual({ reason });
    expect(await statusOf(invitationId)).toBe("PENDING");
  });

  it("is not accepted as a bearer token", async () => {
    const token = await server.services.tokens.signToken(invitationClaims());
    const response = await server.graphql("{ serverInfo { version } }", { token });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("the organization plane", () => {
  const as = async (user: { id: string }) => caller(server, await world.token(user));

  it("lets an admin invite, listing the admin as inviter, and list and revoke invitations", async () => {
    const ada = await as(world.users.ada);
    const { invitation } = await invite(ada, { invitee: email("friend"), roleNames: ["admin"] });
    expect(invitation.inviter).toEqual({ id: world.users.ada.id });
    const listed = ok(await ada(LIST, { id: organizationId(), status: "PENDING" })).organization.invitations;
    expect(listed.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(invitation.id);
    ok(await ada(REVOKE, ref(invitation.id)));
    expect(ok(await ada(DELETE, ref(invitation.id))).deleteOrganizationInvitation).toBe(invitation.id);
  });

  it("refuses a member without invite:members", async () => {
    const grace = await as(world.users.grace);
    refused(await grace(CREATE, { input: { organizationId: organizationId(), invitee: email("nope") } }), "FORBIDDEN");
    const list = await grace(LIST, { id: organizationId() });
    expect(list.data?.organization).toEqual({ invitations: null });
    expect(list.errors?.map((error) => error.extensions?.code)).toEqual(["FORBIDDEN"]);
    const { invitation } = await invite(management, { invitee: email("kept") });
    refused(await grace(REVOKE, ref(invitation.id)), "FORBIDDEN");
    refused(await grace(DELETE, ref(invitation.id)), "FORBIDDEN");
    expect(await statusOf(invitation.id)).toBe("PENDING");
  });

  it("lets an inviter invite only with roles whose permissions it holds, and revoke only such invitations", async () => {
    const recruiter = await f.organizationRole({ name: "recruiter", permissions: ["invite:members", "read:organization"] });
    const user = await f.user();
    await f.member(organizationId(), user.id, [recruiter.id]);
    const gql = await as(user);

    const escalation = refused(await gql(CREATE, { input: { organizationId: organizationId(), invitee: email("boss"), roleNames: ["member"] } }), "FORBIDDEN");
    expect(escalation.message).toMatch(/^role member grants permissions you do not hold \(.*read:members/);
    const { invitation } = await invite(gql, { invitee: email("helper"), roleNames: ["viewer", "recruiter"] });
    expect(invitation.roles).toEqual([{ name: "recruiter" }, { name: "viewer" }]);

    const adminInvitation = await invite(management, { invitee: email("vip"), roleNames: ["admin"] });
    refused(await gql(REVOKE, ref(adminInvitation.invitation.id)), "FORBIDDEN");
    refused(await gql(DELETE, ref(adminInvitation.invitation.id)), "FORBIDDEN");
    expect(await statusOf(adminInvitation.invitation.id)).toBe("PENDING");
    ok(await gql(REVOKE, ref(invitation.id)));
  });
});

describe("cascades", () => {
  it("deleting a role removes it from invitations", async () => {
    const temporary = await f.organizationRole({ name: "temporary", permissions: ["read:organization"] });
    const { invitation } = await invite(management, { invitee: email("cascade"), roleIds: [temporary.id], roleNames: ["viewer"] });
    ok(await management(`mutation ($id: ID!) { deleteOrganizationRole(input: { id: $id }) }`, { id: temporary.id }));
    const roles = await server.db.prisma.organizationInvitationRole.findMany({ where: { invitationId: invitation.id }, include: { role: true } });
    expect(roles.map((link) => link.role.name)).toEqual(["viewer"]);
  });

  it("deleting the inviter keeps the invitation; deleting the organization removes its invitations", async () => {
    const organization = await f.organization();
    const inviter = await f.user();
    await f.member(organization.id, inviter.id, [await world.role("admin")]);
    const gql = caller(server, await organizationToken(server, inviter.id, organization.id));
    const { invitation } = ok(await gql<{ createOrganizationInvitation: Created }>(CREATE, {
      input: { organizationId: organization.id, invitee: email("orphan"), roleNames: ["viewer"] },
    })).createOrganizationInvitation;

    ok(await management(`mutation ($id: ID!) { deleteUser(input: { id: $id }) }`, { id: inviter.id }));
    expect(await server.db.prisma.organizationInvitation.findUniqueOrThrow({ where: { id: invitation.id } })).toMatchObject({ inviterId: null });

    ok(await management(`mutation ($id: ID!) { deleteOrganization(input: { id: $id }) }`, { id: organization.id }));
    expect(await server.db.prisma.organizationInvitation.count({ where: { organizationId: organization.id } })).toBe(0);
    expect(await server.db.prisma.organizationInvitationRole.count({ where: { invitationId: invitation.id } })).toBe(0);
  });
});

describe("listing", () => {
  it("sends the same number of SQL statements for 3 invitations as for 30, with roles and inviters", async () => {
    const organization = await f.organization();
    const inviter = await f.user();
    const viewer = await world.role("viewer");
    for (let i = 0; i < 30; i++) {
      await server.db.prisma.organizationInvitation.create({
        data: {
          organizationId: organization.id,
          invitee: `n${i}@example.test`,
          inviterId: inviter.id,
          expiresAt: new Date(Date.now() + DAY_MS),
          roles: { create: [{ roleId: viewer }] },
        },
      });
    }
    const PAGE = `query ($id: ID!, $first: Int!) { organization(id: $id) {
      invitations(first: $first) { totalCount edges { node { invitee status roles { name } inviter { id } acceptedUser { id } } } } } }`;
    const statementsFor = async (first: number) => {
      const statements: string[] = [];
      const stop = server.db.onQuery((event) => statements.push(event.query));
      const data = ok(await management(PAGE, { id: organization.id, first }));
      stop();
      expect(data.organization.invitations.edges).toHaveLength(first);
      expect(data.organization.invitations.edges[0].node).toMatchObject({ roles: [{ name: "viewer" }], inviter: { id: inviter.id } });
      return statements.length;
    };
    await statementsFor(3);
    expect(await statementsFor(30)).toBe(await statementsFor(3));
  });

  it("orders newest first", async () => {
    const organization = await f.organization();
    const ids: string[] = [];
    for (const [n, day] of [1, 3, 2].entries()) {
      const invitation = await server.db.prisma.organizationInvitation.create({
        data: { organizationId: organization.id, invitee: `o${n}@example.test`, createdAt: new Date(Date.UTC(2030, 0, day)), expiresAt: new Date(Date.UTC(2030, 1, 1)) },
      });
      ids[day] = invitation.id;
    }
    const edges = ok(await management(LIST, { id: organization.id })).organization.invitations.edges;
    expect(edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[3], ids[2], ids[1]]);
  });
});
