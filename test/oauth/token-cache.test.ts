// The token endpoint's hot path reads its facts (client secret hash, resource, membership, what
// roles grant) from memory; these tests hold what that must never cost: the secret is verified at
// every request, a change acknowledged by the API is in the next token, a removed member and a
// rotated secret stop working at once, every token is audited, and another writer's change (a
// replica, through NOTIFY) drops the cache too. Guarded by statement counts, not timings.
import { describe, expect, it, vi } from "vitest";
import { useGatehouse } from "../support/gatehouse.js";
import { ok } from "../support/graphql.js";
import { requestToken } from "../support/oauth.js";
import { statementsDuring } from "../support/server.js";

const gatehouse = useGatehouse();
const gql = gatehouse.admin;

async function machineMember(permissions: string[]) {
  const f = gatehouse.fixtures;
  const organization = await f.organization();
  const application = await f.application();
  const role = await f.organizationRole({ type: "MACHINE_TO_MACHINE", permissions });
  await f.applicationMember(organization.id, application.id, [role.id]);
  return { organization, application, role };
}

function organizationTokenFor(application: { id: string; secret: string }, organizationId: string, secret = application.secret) {
  return requestToken(gatehouse.server, { grant_type: "client_credentials", organization_id: organizationId }, { basic: [application.id, secret] });
}

describe("tokens from cached facts", () => {
  it("cost one statement each once the facts are cached: the audit row's INSERT", async () => {
    const { organization, application } = await machineMember(["read:organization"]);
    const management = gatehouse.server.services.config.tokens.managementResource;
    const managementRequest = () =>
      requestToken(gatehouse.server, { grant_type: "client_credentials", resource: management, scope: "organizations:read" }, { basic: [application.id, application.secret] });
    expect((await organizationTokenFor(application, organization.id)).status).toBe(200);
    await managementRequest();

    const statements = await statementsDuring(gatehouse.server, async () => {
      for (let i = 0; i < 5; i += 1) {
        expect((await organizationTokenFor(application, organization.id)).status).toBe(200);
        expect((await managementRequest()).status).toBe(200);
      }
    });
    // On failure, the statements say who else spoke (seen once on PostgreSQL under load: 12).
    expect(statements, statements.join("\n")).toHaveLength(10);
    for (const statement of statements) expect(statement).toMatch(/^INSERT INTO "public"\."audit_events"/);
    const rows = await gatehouse.server.db.prisma.auditEvent.findMany({ where: { action: "token.issued", actor: `application:${application.id}` } });
    expect(rows).toHaveLength(12);
    expect(rows.find((row) => row.organizationId === organization.id)).toMatchObject({
      targetType: "token",
      dataVersion: expect.any(Number),
      data: { grantType: "client_credentials", audience: `urn:logto:organization:${organization.id}`, scope: ["read:organization"], clientId: application.id },
    });
  });

  it("verify the secret at every request: a wrong one is refused with the client cached, and audited", async () => {
    const { organization, application } = await machineMember(["read:organization"]);
    expect((await organizationTokenFor(application, organization.id)).status).toBe(200);
    const before = await gatehouse.server.db.prisma.auditEvent.count({ where: { action: "token.denied", actor: "anonymous" } });
    const refused = await organizationTokenFor(application, organization.id, `${application.secret}x`);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe("invalid_client");
    expect(await gatehouse.server.db.prisma.auditEvent.count({ where: { action: "token.denied", actor: "anonymous" } })).toBe(before + 1);
  });

  it("a role change acknowledged by the API is in the next token", async () => {
    const { organization, application } = await machineMember(["read:organization"]);
    expect((await organizationTokenFor(application, organization.id)).body.scope).toBe("read:organization");
    const wider = await gatehouse.fixtures.organizationRole({ type: "MACHINE_TO_MACHINE", permissions: ["read:organization", "read:members"] });
    ok(
      await gql(`mutation ($input: SetOrganizationApplicationRolesInput!) { setOrganizationApplicationRoles(input: $input) { __typename } }`, {
        input: { organizationId: organization.id, applicationId: application.id, roleIds: [wider.id] },
      }),
    );
    expect((await organizationTokenFor(application, organization.id)).body.scope).toBe("read:members read:organization");
  });

  it("a rotated secret stops working at once, and the new one works", async () => {
    const { organization, application } = await machineMember(["read:organization"]);
    expect((await organizationTokenFor(application, organization.id)).status).toBe(200);
    const rotated = ok<{ rotateApplicationSecret: { clientSecret: string } }>(
      await gql(`mutation ($input: ApplicationIdInput!) { rotateApplicationSecret(input: $input) { clientSecret } }`, { input: { id: application.id } }),
    );
    expect((await organizationTokenFor(application, organization.id)).body.error).toBe("invalid_client");
    expect((await organizationTokenFor(application, organization.id, rotated.rotateApplicationSecret.clientSecret)).status).toBe(200);
  });

  it("a removed member is locked out at once, at the token endpoint and with the token it holds", async () => {
    const { organization, application } = await machineMember(["read:organization"]);
    const held = (await organizationTokenFor(application, organization.id)).body.access_token!;
    const asMember = () =>
      fetch(`${gatehouse.server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${held}` },
        body: JSON.stringify({ query: "query ($id: ID!) { organization(id: $id) { name } }", variables: { id: organization.id } }),
      }).then((response) => response.json() as Promise<{ data?: { organization: { name: string } | null }; errors?: unknown[] }>);
    expect((await asMember()).data?.organization?.name).toBe(organization.name);

    ok(
      await gql(`mutation ($input: RemoveOrganizationApplicationInput!) { removeOrganizationApplication(input: $input) }`, {
        input: { organizationId: organization.id, applicationId: application.id },
      }),
    );
    expect((await organizationTokenFor(application, organization.id)).body.error).toBe("access_denied");
    expect((await asMember()).data?.organization ?? null).toBeNull();
  });

  it("another writer's change (a replica, the CLI) reaches the cache through NOTIFY", async () => {
    const { organization, application, role } = await machineMember(["read:organization"]);
    expect((await organizationTokenFor(application, organization.id)).body.scope).toBe("read:organization");
    // A statement on another connection, which this process's statement observer does not see.
    await gatehouse.server.db.pool.withSession((session) =>
      session.query(`DELETE FROM organization_application_roles WHERE organization_id = $1 AND application_id = $2 AND role_id = $3`, [
        organization.id,
        application.id,
        role.id,
      ]),
    );
    await vi.waitFor(async () => expect((await organizationTokenFor(application, organization.id)).body.scope).toBe(""), { timeout: 20_000, interval: 50 });
  });
});
