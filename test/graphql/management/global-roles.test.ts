// Global roles through GraphQL: their API permissions, their type, their assignment to users and
// applications, and what that puts in the holders' next global API tokens.
import { describe, expect, it } from "vitest";
import { admin, ok, refused } from "../../support/graphql.js";
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, identityToken, requestToken } from "../../support/oauth.js";
import { useGatehouse } from "../../support/gatehouse.js";


const gatehouse = useGatehouse();
const gql = gatehouse.admin;

const CREATE = `mutation ($input: CreateGlobalRoleInput!) { createGlobalRole(input: $input) { id name type resourceScopes { name } } }`;
const UPDATE = `mutation ($input: UpdateGlobalRoleInput!) { updateGlobalRole(input: $input) { name description type } }`;
const PERMISSIONS = (verb: "add" | "remove" | "set") =>
  `mutation ($input: GlobalRolePermissionsInput!) { ${verb}GlobalRolePermissions(input: $input) { resourceScopes { name } } }`;
const USER_ROLES = (verb: "assign" | "unassign" | "set") =>
  `mutation ($input: UserGlobalRolesInput!) { ${verb}UserGlobalRoles(input: $input) { roles { name } } }`;
const APPLICATION_ROLES = (verb: "assign" | "unassign" | "set") =>
  `mutation ($input: ApplicationGlobalRolesInput!) { ${verb}ApplicationGlobalRoles(input: $input) { roles { name } } }`;

/** An API resource with permissions, by name → id. */
async function apiPermissions(indicator: string, names: string[]) {
  const resource = await gatehouse.fixtures.apiResource(indicator, names);
  return { indicator, ...Object.fromEntries(resource.scopes.map((scope) => [scope.name, scope.id])) } as Record<string, string>;
}

async function role(input: Record<string, unknown>): Promise<{ id: string; name: string }> {
  return ok(await gql<{ createGlobalRole: { id: string; name: string } }>(CREATE, { input })).createGlobalRole;
}

const names = (data: Record<string, { resourceScopes?: { name: string }[]; roles?: { name: string }[] }>) => {
  const value = Object.values(data)[0]!;
  return (value.resourceScopes ?? value.roles ?? []).map((item) => item.name);
};

describe("global roles", () => {
  it("are created with their type and API permissions in one step; a bad permission id creates nothing", async () => {
    const p = await apiPermissions("https://reports.example.test", ["reports:read", "reports:write"]);
    const created = ok(await gql(CREATE, { input: { name: "reporter", type: "MACHINE_TO_MACHINE", resourceScopeIds: [p["reports:write"], p["reports:read"]] } }));
    expect(created.createGlobalRole).toMatchObject({ name: "reporter", type: "MACHINE_TO_MACHINE" });
    expect(names(created)).toEqual(["reports:read", "reports:write"]);

    const error = refused(await gql(CREATE, { input: { name: "broken", resourceScopeIds: [p["reports:read"], "missing-id"] } }), "NOT_FOUND", "input.resourceScopeIds");
    expect(error.message).toContain("missing-id");
    expect(ok(await gql(`{ globalRoles(search: "broken") { totalCount } }`)).globalRoles.totalCount).toBe(0);
    refused(await gql(CREATE, { input: { name: "reporter" } }), "CONFLICT");
    refused(await gql(CREATE, { input: { name: "" } }), "BAD_USER_INPUT", "input.name");
  });

  it("are listed by name, searched, and filtered by type", async () => {
    await role({ name: "list-b" });
    await role({ name: "list-a", type: "MACHINE_TO_MACHINE" });
    await role({ name: "list-c" });
    const list = `query ($type: RoleType) { globalRoles(search: "list-", type: $type) { totalCount edges { node { name } } } }`;
    const all = ok(await gql(list)).globalRoles;
    expect(all.edges.map((edge: { node: { name: string } }) => edge.node.name)).toEqual(["list-a", "list-b", "list-c"]);
    expect(ok(await gql(list, { type: "USER" })).globalRoles.totalCount).toBe(2);
    expect(ok(await gql(list, { type: "MACHINE_TO_MACHINE" })).globalRoles.totalCount).toBe(1);
  });

  it("have their API permissions added (idempotently), removed and replaced", async () => {
    const p = await apiPermissions("https://perms.example.test", ["a", "b", "c"]);
    const { id } = await role({ name: "perm-role", resourceScopeIds: [p.a] });
    expect(names(ok(await gql(PERMISSIONS("add"), { input: { roleId: id, resourceScopeIds: [p.a, p.b] } })))).toEqual(["a", "b"]);
    expect(names(ok(await gql(PERMISSIONS("remove"), { input: { roleId: id, resourceScopeIds: [p.a] } })))).toEqual(["b"]);
    expect(names(ok(await gql(PERMISSIONS("set"), { input: { roleId: id, resourceScopeIds: [p.c, p.a] } })))).toEqual(["a", "c"]);
    refused(await gql(PERMISSIONS("set"), { input: { roleId: id, resourceScopeIds: [p.b, "ghost"] } }), "NOT_FOUND", "input.resourceScopeIds");
    expect(names(ok(await gql(`query ($id: ID!) { globalRole(id: $id) { resourceScopes { name } } }`, { id })))).toEqual(["a", "c"]);
    refused(await gql(PERMISSIONS("add"), { input: { roleId: "ghost", resourceScopeIds: [p.a] } }), "NOT_FOUND");
  });

  it("are renamed and described, keep their type once assigned, and take their assignments with them when deleted", async () => {
    const { id } = await role({ name: "typed" });
    expect(ok(await gql(UPDATE, { input: { id, name: "typed-2", description: "Typed", type: "MACHINE_TO_MACHINE" } })).updateGlobalRole).toEqual({
      name: "typed-2",
      description: "Typed",
      type: "MACHINE_TO_MACHINE",
    });
    ok(await gql(UPDATE, { input: { id, type: "USER" } }));
    const user = await gatehouse.fixtures.user();
    ok(await gql(USER_ROLES("assign"), { input: { userId: user.id, roleIds: [id] } }));
    const error = refused(await gql(UPDATE, { input: { id, type: "MACHINE_TO_MACHINE" } }), "CONFLICT", "input.type");
    expect(error.message).toContain("cannot change while it is assigned");

    expect(ok(await gql(`mutation ($id: ID!) { deleteGlobalRole(input: { id: $id }) }`, { id })).deleteGlobalRole).toBe(id);
    const held = `query ($id: ID!) { user(id: $id) { roles { name } } }`;
    expect(ok(await gql(held, { id: user.id })).user.roles).toEqual([]);
    refused(await gql(`mutation ($id: ID!) { deleteGlobalRole(input: { id: $id }) }`, { id }), "NOT_FOUND");
  });
});

describe("assignments", () => {
  it("give users USER roles by id or name, take them away, and replace them", async () => {
    const [viewer, editor, auditor] = [await role({ name: "u-viewer" }), await role({ name: "u-editor" }), await role({ name: "u-auditor" })];
    const userId = (await gatehouse.fixtures.user()).id;
    expect(names(ok(await gql(USER_ROLES("assign"), { input: { userId, roleIds: [viewer.id], roleNames: ["u-editor"] } })))).toEqual(["u-editor", "u-viewer"]);
    expect(names(ok(await gql(USER_ROLES("assign"), { input: { userId, roleIds: [viewer.id] } })))).toEqual(["u-editor", "u-viewer"]);
    expect(names(ok(await gql(USER_ROLES("unassign"), { input: { userId, roleNames: ["u-viewer"] } })))).toEqual(["u-editor"]);
    expect(names(ok(await gql(USER_ROLES("set"), { input: { userId, roleIds: [auditor.id, viewer.id] } })))).toEqual(["u-auditor", "u-viewer"]);
    expect(names(ok(await gql(USER_ROLES("set"), { input: { userId } })))).toEqual([]);
    expect(editor.name).toBe("u-editor");
  });

  it("refuse roles of the other type with ROLE_TYPE_MISMATCH, and change nothing", async () => {
    const [person, robot] = [await role({ name: "t-person" }), await role({ name: "t-robot", type: "MACHINE_TO_MACHINE" })];
    const userId = (await gatehouse.fixtures.user()).id;
    const applicationId = (await gatehouse.fixtures.application()).id;
    ok(await gql(USER_ROLES("assign"), { input: { userId, roleIds: [person.id] } }));
    ok(await gql(APPLICATION_ROLES("assign"), { input: { applicationId, roleIds: [robot.id] } }));

    const error = refused(await gql(USER_ROLES("set"), { input: { userId, roleIds: [robot.id] } }), "ROLE_TYPE_MISMATCH");
    expect(error.message).toBe("users can hold only USER roles; t-robot is MACHINE_TO_MACHINE");
    refused(await gql(APPLICATION_ROLES("assign"), { input: { applicationId, roleNames: ["t-person"] } }), "ROLE_TYPE_MISMATCH");

    const held = `query ($u: ID!, $a: ID!) { user(id: $u) { roles { name } } application(id: $a) { roles { name } } }`;
    expect(ok(await gql(held, { u: userId, a: applicationId }))).toEqual({
      user: { roles: [{ name: "t-person" }] },
      application: { roles: [{ name: "t-robot" }] },
    });
  });

  it("answer NOT_FOUND for unknown roles and holders, naming the field", async () => {
    const userId = (await gatehouse.fixtures.user()).id;
    refused(await gql(USER_ROLES("assign"), { input: { userId, roleNames: ["no-such-role"] } }), "NOT_FOUND", "input.roleNames");
    refused(await gql(USER_ROLES("assign"), { input: { userId, roleIds: ["no-such-id"] } }), "NOT_FOUND", "input.roleIds");
    refused(await gql(USER_ROLES("assign"), { input: { userId: "ghost", roleIds: [] } }), "NOT_FOUND", "input.userId");
    refused(await gql(APPLICATION_ROLES("set"), { input: { applicationId: "ghost" } }), "NOT_FOUND", "input.applicationId");
  });

  it("need users:write for users and applications:write for applications", async () => {
    const { id } = await role({ name: "s-robot", type: "MACHINE_TO_MACHINE" });
    const userId = (await gatehouse.fixtures.user()).id;
    const applicationId = (await gatehouse.fixtures.application()).id;
    const resourcesWriter = await admin(gatehouse.server, "resources:write");
    refused(await resourcesWriter(USER_ROLES("assign"), { input: { userId, roleIds: [] } }), "FORBIDDEN");
    refused(await (await admin(gatehouse.server, "users:write"))(APPLICATION_ROLES("assign"), { input: { applicationId, roleIds: [id] } }), "FORBIDDEN");
    // applications:write makes the change (reading the application back needs applications:read).
    const applicationsWriter = await admin(gatehouse.server, "applications:write");
    const response = await applicationsWriter(APPLICATION_ROLES("assign"), { input: { applicationId, roleIds: [id] } });
    expect(refused(response, "FORBIDDEN").path).toEqual(["assignApplicationGlobalRoles"]);
    const held = ok(await gql(`query ($id: ID!) { application(id: $id) { roles { id } } }`, { id: applicationId }));
    expect(held.application.roles).toEqual([{ id }]);
    refused(await (await admin(gatehouse.server, "users:read"))(`{ globalRoles { totalCount } }`), "FORBIDDEN");
    refused(await (await admin(gatehouse.server, "resources:read"))(CREATE, { input: { name: "nope" } }), "FORBIDDEN");
  });
});

describe("global API tokens", () => {
  function exchange(subjectToken: string, resource: string) {
    return requestToken(gatehouse.server, { grant_type: TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, resource });
  }

  it("carry a user's global-role permissions, and lose one as soon as the role does", async () => {
    const p = await apiPermissions("https://analytics.example.test", ["analytics:read", "analytics:export"]);
    const { id } = await role({ name: "analyst", resourceScopeIds: [p["analytics:read"], p["analytics:export"]] });
    const userId = (await gatehouse.fixtures.user()).id;
    const subjectToken = await identityToken(gatehouse.server, userId);
    expect((await exchange(subjectToken, p.indicator!)).body.scope).toBe("");

    ok(await gql(USER_ROLES("assign"), { input: { userId, roleNames: ["analyst"] } }));
    expect((await exchange(subjectToken, p.indicator!)).body.scope).toBe("analytics:export analytics:read");
    ok(await gql(PERMISSIONS("remove"), { input: { roleId: id, resourceScopeIds: [p["analytics:export"]] } }));
    expect((await exchange(subjectToken, p.indicator!)).body.scope).toBe("analytics:read");
    ok(await gql(USER_ROLES("unassign"), { input: { userId, roleIds: [id] } }));
    expect((await exchange(subjectToken, p.indicator!)).body.scope).toBe("");
  });

  it("carry an application's global-role permissions through client credentials", async () => {
    const p = await apiPermissions("https://ledger.example.test", ["ledger:post"]);
    await role({ name: "poster", type: "MACHINE_TO_MACHINE", resourceScopeIds: [p["ledger:post"]] });
    const application = await gatehouse.fixtures.application();
    const token = () =>
      requestToken(gatehouse.server, { grant_type: "client_credentials", resource: p.indicator! }, { basic: [application.id, application.secret] });
    expect((await token()).body.scope).toBe("");
    ok(await gql(APPLICATION_ROLES("set"), { input: { applicationId: application.id, roleNames: ["poster"] } }));
    expect((await token()).body.scope).toBe("ledger:post");
  });
});
