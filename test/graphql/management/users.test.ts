// Users through GraphQL: profiles, identities, cascades, and who may see a user's organizations.
import { describe, expect, it } from "vitest";
import { admin, caller, ok, refused } from "../../support/graphql.js";
import { identityToken, organizationToken } from "../../support/oauth.js";
import { useGatehouse } from "../../support/gatehouse.js";


const gatehouse = useGatehouse();
const gql = gatehouse.admin;

const CREATE = `mutation ($input: CreateUserInput!) {
  createUser(input: $input) { id primaryEmail name username avatarUrl mfaEnrolled customData }
}`;
const UPDATE = `mutation ($input: UpdateUserInput!) {
  updateUser(input: $input) { id primaryEmail name username avatarUrl mfaEnrolled customData }
}`;
const LINK = `mutation ($input: UserIdentityInput!) { linkUserIdentity(input: $input) { id issuer subject } }`;
const UNLINK = `mutation ($input: UserIdentityInput!) { unlinkUserIdentity(input: $input) }`;

async function createUser(input: Record<string, unknown> = {}): Promise<string> {
  return ok(await gql<{ createUser: { id: string } }>(CREATE, { input })).createUser.id;
}

describe("users", () => {
  it("are created, read, updated (null clears, customData is replaced) and deleted", async () => {
    const input = {
      primaryEmail: "Ada@Example.test",
      name: "Ada Lovelace",
      username: "ada",
      avatarUrl: "https://example.test/ada.png",
      mfaEnrolled: true,
      customData: { plan: "gold", seats: 3 },
    };
    const created = ok(await gql(CREATE, { input })).createUser;
    expect(created).toEqual({ id: expect.any(String), ...input });

    const updated = ok(await gql(UPDATE, { input: { id: created.id, name: null, customData: { plan: "free" } } })).updateUser;
    expect(updated).toEqual({ ...created, name: null, customData: { plan: "free" } });
    const read = ok(await gql(`query ($id: ID!) { user(id: $id) { name customData identities { id } } }`, { id: created.id }));
    expect(read.user).toEqual({ name: null, customData: { plan: "free" }, identities: [] });

    expect(ok(await gql(`mutation ($id: ID!) { deleteUser(input: { id: $id }) }`, { id: created.id })).deleteUser).toBe(created.id);
    expect(ok(await gql(`query ($id: ID!) { user(id: $id) { id } }`, { id: created.id })).user).toBeNull();
  });

  it("are listed oldest first, searched by name, email, username or id, with totalCount", async () => {
    const ids = [
      await createUser({ name: "Search Zed", primaryEmail: "zed@search.test" }),
      await createUser({ name: "Other", username: "search_me" }),
      await createUser({ name: "Search Amy" }),
    ];
    const list = `query ($search: String, $after: String) {
      users(search: $search, first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }
    }`;
    const page = ok(await gql(list, { search: "SEARCH" })).users;
    expect(page.totalCount).toBe(3);
    expect(page.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(ids.slice(0, 2));
    const next = ok(await gql(list, { search: "search", after: page.pageInfo.endCursor })).users;
    expect(next.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[2]]);
    expect(next.pageInfo.hasNextPage).toBe(false);

    expect(ok(await gql(list, { search: "zed@SEARCH" })).users.totalCount).toBe(1);
    expect(ok(await gql(list, { search: ids[1] })).users.edges).toEqual([{ node: { id: ids[1] } }]);
  });

  it("refuse bad input, naming the field", async () => {
    refused(await gql(CREATE, { input: { primaryEmail: "not-an-email" } }), "BAD_USER_INPUT", "input.primaryEmail");
    refused(await gql(CREATE, { input: { avatarUrl: "ftp://example.test/a.png" } }), "BAD_USER_INPUT", "input.avatarUrl");
    refused(await gql(CREATE, { input: { username: "has space" } }), "BAD_USER_INPUT", "input.username");
    refused(await gql(CREATE, { input: { name: "n".repeat(129) } }), "BAD_USER_INPUT", "input.name");
    const id = await createUser();
    refused(await gql(UPDATE, { input: { id, mfaEnrolled: null } }), "BAD_USER_INPUT", "input.mfaEnrolled");
    refused(await gql(UPDATE, { input: { id, customData: null } }), "BAD_USER_INPUT", "input.customData");
  });

  it("refuse an email or username another user holds, case-insensitively, and change nothing", async () => {
    const first = await createUser({ primaryEmail: "grace@example.test", username: "grace" });
    const error = refused(await gql(CREATE, { input: { primaryEmail: "GRACE@example.TEST" } }), "CONFLICT", "input.primaryEmail");
    expect(error.message).toContain("email");
    refused(await gql(CREATE, { input: { username: "GRACE" } }), "CONFLICT", "input.username");

    const second = await createUser({ primaryEmail: "hopper@example.test" });
    refused(await gql(UPDATE, { input: { id: second, name: "Changed", primaryEmail: "Grace@example.test" } }), "CONFLICT", "input.primaryEmail");
    const unchanged = ok(await gql(`query ($id: ID!) { user(id: $id) { name primaryEmail } }`, { id: second })).user;
    expect(unchanged).toEqual({ name: null, primaryEmail: "hopper@example.test" });
    // Keeping one's own email is no conflict.
    ok(await gql(UPDATE, { input: { id: first, primaryEmail: "grace@example.test" } }));
  });

  it("answer NOT_FOUND for unknown ids", async () => {
    refused(await gql(UPDATE, { input: { id: "nobody", name: "x" } }), "NOT_FOUND");
    refused(await gql(`mutation { deleteUser(input: { id: "nobody" }) }`), "NOT_FOUND");
    refused(await gql(LINK, { input: { userId: "nobody", issuer: "https://idp.test", subject: "s" } }), "NOT_FOUND");
  });
});

describe("identities", () => {
  it("are linked (again: no change), belong to one user, and are unlinked", async () => {
    const [alice, bob] = [await createUser(), await createUser()];
    const identity = { issuer: "https://idp.example.test", subject: "alice-sub" };
    const linked = ok(await gql(LINK, { input: { userId: alice, ...identity } })).linkUserIdentity;
    expect(linked).toEqual({ id: expect.any(String), ...identity });
    expect(ok(await gql(LINK, { input: { userId: alice, ...identity } })).linkUserIdentity.id).toBe(linked.id);
    refused(await gql(LINK, { input: { userId: bob, ...identity } }), "CONFLICT", "input.subject");
    refused(await gql(LINK, { input: { userId: bob, issuer: " ", subject: "x" } }), "BAD_USER_INPUT", "input.issuer");

    const read = `query ($id: ID!) { user(id: $id) { identities { issuer subject } } }`;
    expect(ok(await gql(read, { id: alice })).user.identities).toEqual([identity]);
    refused(await gql(UNLINK, { input: { userId: bob, ...identity } }), "NOT_FOUND");
    expect(ok(await gql(UNLINK, { input: { userId: alice, ...identity } })).unlinkUserIdentity).toBe(linked.id);
    expect(ok(await gql(read, { id: alice })).user.identities).toEqual([]);
    refused(await gql(UNLINK, { input: { userId: alice, ...identity } }), "NOT_FOUND");
  });
});

describe("deleting a user", () => {
  it("removes their memberships, organization roles, global roles and identities", async () => {
    const userId = await createUser();
    const organization = await gatehouse.fixtures.organization();
    const role = await gatehouse.fixtures.organizationRole({ permissions: ["read:organization"] });
    await gatehouse.fixtures.member(organization.id, userId, [role.id]);
    const globalRole = await gatehouse.fixtures.globalRole({ scopeIds: [] });
    await gatehouse.server.db.prisma.userRole.create({ data: { userId, roleId: globalRole.id } });
    ok(await gql(LINK, { input: { userId, issuer: "https://idp.example.test", subject: "gone" } }));

    ok(await gql(`mutation ($id: ID!) { deleteUser(input: { id: $id }) }`, { id: userId }));
    const members = ok(await gql(`query ($id: ID!) { organization(id: $id) { members { totalCount } } }`, { id: organization.id }));
    expect(members.organization.members.totalCount).toBe(0);
    const { prisma } = gatehouse.server.db;
    expect(await prisma.organizationUserRole.count({ where: { userId } })).toBe(0);
    expect(await prisma.userRole.count({ where: { userId } })).toBe(0);
    expect(await prisma.userIdentity.count({ where: { userId } })).toBe(0);
  });
});

describe("a user's organizations", () => {
  const ORGANIZATIONS = `query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on User { id organizations { totalCount edges { node { organization { id name } roles { name } } } } }
    }
  }`;
  const asUser = (id: string) => ({ r: [{ __typename: "User", id }] });

  async function memberOfTwo() {
    const userId = (await gatehouse.fixtures.user()).id;
    const [acme, globex] = [await gatehouse.fixtures.organization({ name: "Acme" }), await gatehouse.fixtures.organization({ name: "Globex" })];
    const reader = await gatehouse.fixtures.organizationRole({ name: `reader-${userId}`, permissions: ["read:members"] });
    const writer = await gatehouse.fixtures.organizationRole({ name: `writer-${userId}`, permissions: ["invite:members"] });
    await gatehouse.fixtures.member(acme.id, userId, [writer.id, reader.id]);
    await gatehouse.fixtures.member(globex.id, userId);
    return { userId, acme, globex, reader, writer };
  }

  it("lists each organization with the user's roles there, oldest membership first, for users:read and organizations:read", async () => {
    const { userId, acme, globex, reader, writer } = await memberOfTwo();
    const expected = {
      totalCount: 2,
      edges: [
        { node: { organization: { id: acme.id, name: "Acme" }, roles: [{ name: reader.name }, { name: writer.name }] } },
        { node: { organization: { id: globex.id, name: "Globex" }, roles: [] } },
      ],
    };
    for (const scope of ["all", "users:read", "organizations:read"]) {
      const data = ok(await (await admin(gatehouse.server, scope))(ORGANIZATIONS, asUser(userId)));
      expect(data._entities).toEqual([{ id: userId, organizations: expected }]);
    }
    const viaRoot = `query ($id: ID!) { user(id: $id) { organizations { totalCount } } }`;
    expect(ok(await gql(viaRoot, { id: userId })).user.organizations.totalCount).toBe(2);
  });

  it("are searched by the organization's name, description or exact id, with totalCount", async () => {
    const { userId, acme, globex } = await memberOfTwo();
    const described = await gatehouse.fixtures.organization({ name: "Initech" });
    await gatehouse.server.db.prisma.organization.update({ where: { id: described.id }, data: { description: "Spun off from ACME" } });
    await gatehouse.fixtures.member(described.id, userId);
    const SEARCH = `query ($id: ID!, $search: String) { user(id: $id) { organizations(search: $search) { totalCount edges { node { organization { id } } } } } }`;
    const found = async (search: string) => {
      const { totalCount, edges } = ok(await gql(SEARCH, { id: userId, search })).user.organizations;
      return { totalCount, ids: edges.map((edge: { node: { organization: { id: string } } }) => edge.node.organization.id) };
    };
    expect(await found("acme")).toEqual({ totalCount: 2, ids: [acme.id, described.id] });
    expect(await found(globex.id)).toEqual({ totalCount: 1, ids: [globex.id] });
    expect(await found("")).toMatchObject({ totalCount: 3 });
    expect(await found("nowhere")).toEqual({ totalCount: 0, ids: [] });
  });

  it("are visible to the user themself, whatever their token", async () => {
    const { userId, acme } = await memberOfTwo();
    for (const token of [await identityToken(gatehouse.server, userId), await organizationToken(gatehouse.server, userId, acme.id)]) {
      const data = ok(await caller(gatehouse.server, token)(ORGANIZATIONS, asUser(userId)));
      const names = data._entities[0].organizations.edges.map((edge: { node: { organization: { name: string } } }) => edge.node.organization.name);
      expect(names).toEqual(["Acme", "Globex"]);
    }
  });

  it("are hidden from an organization's member reader, who sees the user but not their other organizations", async () => {
    const { userId, acme, reader } = await memberOfTwo();
    const colleague = (await gatehouse.fixtures.user()).id;
    await gatehouse.fixtures.member(acme.id, colleague, [reader.id]);
    const token = await organizationToken(gatehouse.server, colleague, acme.id);
    const response = await caller(gatehouse.server, token)(ORGANIZATIONS, asUser(userId));
    expect(response.data?._entities).toEqual([{ id: userId, organizations: null }]);
    expect(response.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
      ["FORBIDDEN", ["_entities", 0, "organizations"]],
    ]);
    refused(await (await admin(gatehouse.server, "applications:read"))(ORGANIZATIONS, asUser(userId)), "FORBIDDEN");
  });
});

describe("a page of users", () => {
  it("costs the same SQL statements whatever its size, with roles and organizations inline", async () => {
    const organization = await gatehouse.fixtures.organization();
    const organizationRole = await gatehouse.fixtures.organizationRole({ name: "cost-member" });
    const globalRole = await gatehouse.fixtures.globalRole({ scopeIds: [] });
    for (let i = 0; i < 10; i += 1) {
      const user = await gatehouse.fixtures.user({ name: `cost-${i}` });
      await gatehouse.fixtures.member(organization.id, user.id, [organizationRole.id]);
      await gatehouse.server.db.prisma.userRole.create({ data: { userId: user.id, roleId: globalRole.id } });
    }
    const page = `query ($first: Int) {
      users(search: "cost-", first: $first) {
        totalCount
        edges { node { id roles { name resourceScopes { name } } organizations { totalCount edges { node { organization { name } roles { name } } } } } }
      }
    }`;
    const statements = async (first: number) => {
      let count = 0;
      const stop = gatehouse.server.db.onQuery(() => (count += 1));
      const data = ok(await gql(page, { first }));
      stop();
      expect(data.users.edges).toHaveLength(first);
      expect(data.users.edges[0].node.organizations.edges[0].node.roles).toEqual([{ name: "cost-member" }]);
      return count;
    };
    expect(await statements(10)).toBe(await statements(2));
  });
});

describe("scopes", () => {
  it("users:read reads but does not write; other scopes do neither", async () => {
    const reader = await admin(gatehouse.server, "users:read");
    ok(await reader(`{ users { totalCount } }`));
    refused(await reader(CREATE, { input: {} }), "FORBIDDEN");
    const stranger = await admin(gatehouse.server, "applications:read");
    refused(await stranger(`{ users { totalCount } }`), "FORBIDDEN");
    refused(await stranger(`mutation { deleteUser(input: { id: "x" }) }`), "FORBIDDEN");
  });
});
