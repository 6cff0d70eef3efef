// Just-in-time provisioning settings of organizations — email domains and roles — through GraphQL
// with management tokens. Provisioning itself, with a real identity provider, is tested in
// test/oauth/jit-provisioning.test.ts.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { admin, caller, ok, refused } from "../../support/graphql.js";
import { organizationToken } from "../../support/oauth.js";
import { useGatehouse } from "../../support/gatehouse.js";

let organizationId: string;

const JIT = `query ($id: ID!) { organization(id: $id) { jitEmailDomains jitRoles { name } } }`;
const domainsMutation = (verb: string) =>
  `mutation ($input: OrganizationJitEmailDomainsInput!) { ${verb}OrganizationJitEmailDomains(input: $input) { id jitEmailDomains } }`;
const rolesMutation = (verb: string) =>
  `mutation ($input: OrganizationJitRolesInput!) { ${verb}OrganizationJitRoles(input: $input) { id jitRoles { name type } } }`;

async function jit() {
  const data = ok(await gql<{ organization: { jitEmailDomains: string[]; jitRoles: { name: string }[] } }>(JIT, { id: organizationId }));
  return { domains: data.organization.jitEmailDomains, roles: data.organization.jitRoles.map((role) => role.name) };
}

async function changeDomains(verb: string, emailDomains: string[]) {
  const data = ok(await gql(domainsMutation(verb), { input: { organizationId, emailDomains } }));
  return data[`${verb}OrganizationJitEmailDomains`].jitEmailDomains as string[];
}

const gatehouse = useGatehouse();
const gql = gatehouse.admin;
beforeAll(async () => {
  await gatehouse.fixtures.organizationRole({ name: "member", permissions: ["read:organization"] });
  await gatehouse.fixtures.organizationRole({ name: "viewer", permissions: ["read:organization"] });
  await gatehouse.fixtures.organizationRole({ name: "robot", type: "MACHINE_TO_MACHINE", permissions: ["sync:data"] });
});

beforeEach(async () => {
  organizationId = (await gatehouse.fixtures.organization()).id;
});

describe("JIT email domains", () => {
  it("are normalized (trimmed, lower-case, no leading @), kept once, listed by name, and added idempotently", async () => {
    expect(await changeDomains("add", ["@Acme.TEST", " example.org ", "acme.test", "xn--bcher-kva.example"])).toEqual([
      "acme.test",
      "example.org",
      "xn--bcher-kva.example",
    ]);
    expect(await changeDomains("add", ["ACME.test"])).toEqual(["acme.test", "example.org", "xn--bcher-kva.example"]);
    expect((await jit()).domains).toEqual(["acme.test", "example.org", "xn--bcher-kva.example"]);
  });

  it.each([
    ["without a dot", "localhost", "must be a domain name"],
    ["an email address", "ada@acme.test", "must be a domain name"],
    ["with a space", "acme .test", "must be a domain name"],
    ["with an empty label", "acme..test", "must be a domain name"],
    ["with a label starting with a hyphen", "-acme.test", "must be a domain name"],
    ["with a label longer than 63 characters", `${"a".repeat(64)}.test`, "must be a domain name"],
    ["longer than 253 characters", `${"a".repeat(60)}.`.repeat(4) + "example.test", "must be at most 253 characters"],
    ["empty", " ", "must be a domain name"],
  ])("refuse a domain %s with BAD_USER_INPUT naming it, changing nothing", async (_case, bad, message) => {
    await changeDomains("add", ["acme.test"]);
    const error = refused(
      await gql(domainsMutation("add"), { input: { organizationId, emailDomains: ["example.org", bad] } }),
      "BAD_USER_INPUT",
      "input.emailDomains.1",
    );
    expect(error.message).toContain(message);
    expect((await jit()).domains).toEqual(["acme.test"]);
  });

  it("are removed (case-insensitively) and replaced as a set, in one transaction with an audit event each", async () => {
    await changeDomains("add", ["acme.test", "example.org", "globex.test"]);
    expect(await changeDomains("remove", ["EXAMPLE.org", "never-added.test"])).toEqual(["acme.test", "globex.test"]);
    expect(await changeDomains("set", ["initech.test", "@Acme.test"])).toEqual(["acme.test", "initech.test"]);
    expect(await changeDomains("set", [])).toEqual([]);

    const events = await gatehouse.server.db.prisma.auditEvent.findMany({ where: { organizationId }, orderBy: { id: "asc" } });
    expect(events.map((event) => [event.action, event.data])).toEqual([
      ["organization.jit_email_domains_added", { emailDomains: ["acme.test", "example.org", "globex.test"] }],
      ["organization.jit_email_domains_removed", { emailDomains: ["example.org", "never-added.test"] }],
      ["organization.jit_email_domains_replaced", { emailDomains: ["initech.test", "acme.test"] }],
      ["organization.jit_email_domains_replaced", { emailDomains: [] }],
    ]);
  });

  it("belong to one organization: another organization may list the same domain", async () => {
    const other = (await gatehouse.fixtures.organization()).id;
    await changeDomains("add", ["shared.test"]);
    ok(await gql(domainsMutation("add"), { input: { organizationId: other, emailDomains: ["shared.test"] } }));
    expect(await gatehouse.server.db.prisma.organizationJitDomain.count({ where: { emailDomain: "SHARED.test" } })).toBe(2);
  });
});

describe("JIT roles", () => {
  it("are added by name or id, idempotently, listed by name, removed, and replaced as a set", async () => {
    const viewer = await gatehouse.server.db.prisma.organizationRole.findUniqueOrThrow({ where: { name: "viewer" } });
    const added = ok(await gql(rolesMutation("add"), { input: { organizationId, roleNames: ["member"], roleIds: [viewer.id] } }));
    expect(added.addOrganizationJitRoles.jitRoles).toEqual([
      { name: "member", type: "USER" },
      { name: "viewer", type: "USER" },
    ]);
    ok(await gql(rolesMutation("add"), { input: { organizationId, roleNames: ["member"] } }));
    expect((await jit()).roles).toEqual(["member", "viewer"]);

    ok(await gql(rolesMutation("remove"), { input: { organizationId, roleNames: ["member"] } }));
    expect((await jit()).roles).toEqual(["viewer"]);
    ok(await gql(rolesMutation("set"), { input: { organizationId, roleNames: ["member"] } }));
    expect((await jit()).roles).toEqual(["member"]);
    ok(await gql(rolesMutation("set"), { input: { organizationId } }));
    expect((await jit()).roles).toEqual([]);
  });

  it("refuse MACHINE_TO_MACHINE roles with ROLE_TYPE_MISMATCH, and unknown roles with NOT_FOUND, changing nothing", async () => {
    ok(await gql(rolesMutation("add"), { input: { organizationId, roleNames: ["viewer"] } }));

    const mismatch = refused(await gql(rolesMutation("set"), { input: { organizationId, roleNames: ["member", "robot"] } }), "ROLE_TYPE_MISMATCH");
    expect(mismatch.message).toBe("users can hold only USER roles; robot is MACHINE_TO_MACHINE");

    const unknownName = refused(await gql(rolesMutation("add"), { input: { organizationId, roleNames: ["ghost"] } }), "NOT_FOUND", "input.roleNames");
    expect(unknownName.message).toContain("ghost");
    refused(await gql(rolesMutation("set"), { input: { organizationId, roleIds: ["no-such-role"] } }), "NOT_FOUND", "input.roleIds");
    expect((await jit()).roles).toEqual(["viewer"]);
  });

  it("pin the role's type while assigned, and are removed with a deleted role", async () => {
    const role = await gatehouse.fixtures.organizationRole({ name: `temp-${Date.now()}` });
    ok(await gql(rolesMutation("add"), { input: { organizationId, roleIds: [role.id] } }));
    refused(
      await gql(`mutation ($id: ID!) { updateOrganizationRole(input: { id: $id, type: MACHINE_TO_MACHINE }) { id } }`, { id: role.id }),
      "CONFLICT",
      "input.type",
    );
    ok(await gql(`mutation ($id: ID!) { deleteOrganizationRole(input: { id: $id }) }`, { id: role.id }));
    expect((await jit()).roles).toEqual([]);
  });
});

describe("JIT settings", () => {
  it("of an unknown organization are NOT_FOUND", async () => {
    refused(await gql(domainsMutation("add"), { input: { organizationId: "no-such-org", emailDomains: ["acme.test"] } }), "NOT_FOUND");
    refused(await gql(rolesMutation("set"), { input: { organizationId: "no-such-org", roleNames: ["member"] } }), "NOT_FOUND");
  });

  it("need organizations:write to change and organizations:read to read", async () => {
    await changeDomains("add", ["acme.test"]);
    const reader = await admin(gatehouse.server, "organizations:read");
    refused(await reader(domainsMutation("set"), { input: { organizationId, emailDomains: [] } }), "FORBIDDEN");
    refused(await reader(rolesMutation("add"), { input: { organizationId, roleNames: ["member"] } }), "FORBIDDEN");
    expect(ok(await reader(JIT, { id: organizationId })).organization.jitEmailDomains).toEqual(["acme.test"]);

    const templateReader = await admin(gatehouse.server, "template:read");
    refused(await templateReader(JIT, { id: organizationId }), "FORBIDDEN");
  });

  it("are listed for a page of organizations with the same number of SQL statements whatever its size", async () => {
    const role = await gatehouse.server.db.prisma.organizationRole.findUniqueOrThrow({ where: { name: "member" } });
    for (let i = 0; i < 12; i += 1) {
      await gatehouse.server.db.prisma.organization.create({
        data: { name: `Listed ${i}`, jitDomains: { create: [{ emailDomain: `a${i}.test` }, { emailDomain: `b${i}.test` }] }, jitRoles: { create: { roleId: role.id } } },
      });
    }
    const PAGE = `query ($first: Int!) { organizations(first: $first) { edges { node { jitEmailDomains jitRoles { name organizationScopes { name } } } } } }`;
    const statements = async (first: number) => {
      let count = 0;
      const stop = gatehouse.server.db.onQuery(() => (count += 1));
      const data = ok(await gql(PAGE, { first }));
      stop();
      expect(data.organizations.edges).toHaveLength(first);
      return count;
    };
    await statements(2); // warm caches that are not part of the question
    expect(await statements(12)).toBe(await statements(2));
  });

  it("are hidden from organization tokens, which still read the rest of the organization", async () => {
    const member = await gatehouse.fixtures.user();
    const role = await gatehouse.server.db.prisma.organizationRole.findUniqueOrThrow({ where: { name: "member" } });
    await gatehouse.fixtures.member(organizationId, member.id, [role.id]);
    const own = caller(gatehouse.server, await organizationToken(gatehouse.server, member.id, organizationId));

    const response = await own(`query ($id: ID!) { organization(id: $id) { id jitEmailDomains } }`, { id: organizationId });
    expect(response.data).toEqual({ organization: { id: organizationId, jitEmailDomains: null } });
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [["organization", "jitEmailDomains"], "FORBIDDEN"],
    ]);
    refused(await own(domainsMutation("add"), { input: { organizationId, emailDomains: ["evil.test"] } }), "FORBIDDEN");
  });
});
