// API resources and their permissions through GraphQL, including the built-in management API.
import { describe, expect, it } from "vitest";
import { admin, ok, refused } from "../../support/graphql.js";
import { useGatehouse } from "../../support/gatehouse.js";


const gatehouse = useGatehouse();
const gql = gatehouse.admin;

const CREATE = `mutation ($input: CreateApiResourceInput!) { createApiResource(input: $input) { id name indicator accessTokenTtl isBuiltIn } }`;
const UPDATE = `mutation ($input: UpdateApiResourceInput!) { updateApiResource(input: $input) { id name indicator accessTokenTtl } }`;
const DELETE = `mutation ($id: ID!) { deleteApiResource(input: { id: $id }) }`;
const CREATE_SCOPE = `mutation ($input: CreateResourceScopeInput!) { createResourceScope(input: $input) { id name description resource { id } } }`;
const UPDATE_SCOPE = `mutation ($input: UpdateResourceScopeInput!) { updateResourceScope(input: $input) { id name description } }`;
const DELETE_SCOPE = `mutation ($id: ID!) { deleteResourceScope(input: { id: $id }) }`;

async function resource(indicator: string, name = indicator): Promise<string> {
  return ok(await gql<{ createApiResource: { id: string } }>(CREATE, { input: { name, indicator } })).createApiResource.id;
}

async function scope(resourceId: string, name: string): Promise<string> {
  return ok(await gql<{ createResourceScope: { id: string } }>(CREATE_SCOPE, { input: { resourceId, name } })).createResourceScope.id;
}

async function builtIn(): Promise<{ id: string; name: string; scopes: { edges: { node: { id: string } }[] } }> {
  const indicator = gatehouse.server.services.config.tokens.managementResource;
  const data = ok(await gql(`query ($s: String) { apiResources(search: $s) { edges { node { id name isBuiltIn scopes { edges { node { id } } } } } } }`, { s: indicator }));
  const [node] = data.apiResources.edges.map((edge: { node: unknown }) => edge.node);
  expect(node.isBuiltIn).toBe(true);
  return node;
}

describe("API resources", () => {
  it("are created (TTL 3600 unless given), renamed, given a new TTL, and deleted", async () => {
    const created = ok(await gql(CREATE, { input: { name: "Projects", indicator: "https://projects.example.test" } })).createApiResource;
    expect(created).toEqual({ id: expect.any(String), name: "Projects", indicator: "https://projects.example.test", accessTokenTtl: 3600, isBuiltIn: false });
    const updated = ok(await gql(UPDATE, { input: { id: created.id, name: "Project API", accessTokenTtl: 600 } })).updateApiResource;
    expect(updated).toEqual({ id: created.id, name: "Project API", indicator: "https://projects.example.test", accessTokenTtl: 600 });
    // Naming the current indicator is no change.
    ok(await gql(UPDATE, { input: { id: created.id, indicator: "https://projects.example.test" } }));

    expect(ok(await gql(DELETE, { id: created.id })).deleteApiResource).toBe(created.id);
    expect(ok(await gql(`query ($id: ID!) { apiResource(id: $id) { id } }`, { id: created.id })).apiResource).toBeNull();
    refused(await gql(DELETE, { id: created.id }), "NOT_FOUND");
  });

  it("keep their indicator: a change is refused and nothing else in the update applies", async () => {
    const id = await resource("https://immutable.example.test", "Immutable");
    const error = refused(await gql(UPDATE, { input: { id, name: "Renamed", indicator: "https://other.example.test" } }), "BAD_USER_INPUT", "input.indicator");
    expect(error.message).toContain("immutable");
    expect(ok(await gql(`query ($id: ID!) { apiResource(id: $id) { name indicator } }`, { id })).apiResource).toEqual({
      name: "Immutable",
      indicator: "https://immutable.example.test",
    });
  });

  it("refuse bad indicators, TTLs and names, naming the field; duplicates are CONFLICT", async () => {
    for (const indicator of ["not a uri", "/relative/path", "https://api.example.test/#fragment", ""]) {
      refused(await gql(CREATE, { input: { name: "x", indicator } }), "BAD_USER_INPUT", "input.indicator");
    }
    for (const accessTokenTtl of [0, 86_401]) {
      refused(await gql(CREATE, { input: { name: "x", indicator: "https://ttl.example.test", accessTokenTtl } }), "BAD_USER_INPUT", "input.accessTokenTtl");
    }
    refused(await gql(CREATE, { input: { name: " ", indicator: "https://name.example.test" } }), "BAD_USER_INPUT", "input.name");
    await resource("urn:example:duplicate");
    refused(await gql(CREATE, { input: { name: "again", indicator: "urn:example:duplicate" } }), "CONFLICT");
    refused(await gql(UPDATE, { input: { id: "ghost", name: "x" } }), "NOT_FOUND");
  });

  it("are listed oldest first and searched by name or indicator", async () => {
    const ids = [await resource("https://list-a.example.test", "Listed A"), await resource("https://list-b.example.test", "Listed B")];
    const list = ok(await gql(`{ apiResources(search: "list") { totalCount edges { node { id } } } }`)).apiResources;
    expect(list).toEqual({ totalCount: 2, edges: ids.map((id) => ({ node: { id } })) });
    expect(ok(await gql(`{ apiResources(search: "LIST-B.example") { totalCount } }`)).apiResources.totalCount).toBe(1);
  });
});

describe("the built-in management API resource", () => {
  it("cannot be deleted or renamed, nor its permissions changed; its TTL may change", async () => {
    const { id, name, scopes } = await builtIn();
    const deleted = refused(await gql(DELETE, { id }), "BUILT_IN_RESOURCE");
    expect(deleted.message).toContain("cannot be deleted");
    refused(await gql(UPDATE, { input: { id, name: "Mine now" } }), "BUILT_IN_RESOURCE", "input.name");
    refused(await gql(CREATE_SCOPE, { input: { resourceId: id, name: "extra:scope" } }), "BUILT_IN_RESOURCE");
    const scopeId = scopes.edges[0]!.node.id;
    refused(await gql(UPDATE_SCOPE, { input: { id: scopeId, name: "renamed" } }), "BUILT_IN_RESOURCE");
    refused(await gql(DELETE_SCOPE, { id: scopeId }), "BUILT_IN_RESOURCE");

    expect(ok(await gql(UPDATE, { input: { id, name, accessTokenTtl: 1800 } })).updateApiResource.accessTokenTtl).toBe(1800);
    const after = await builtIn();
    expect(after.scopes.edges).toEqual(scopes.edges);
  });
});

describe("API permissions", () => {
  it("are created, listed by name with search, renamed, described and deleted", async () => {
    const resourceId = await resource("https://docs.example.test");
    const write = ok(await gql(CREATE_SCOPE, { input: { resourceId, name: "docs:write", description: "Write docs" } })).createResourceScope;
    expect(write).toEqual({ id: expect.any(String), name: "docs:write", description: "Write docs", resource: { id: resourceId } });
    await scope(resourceId, "docs:read");
    await scope(resourceId, "admin");

    const list = `query ($id: ID!, $search: String) {
      apiResource(id: $id) { scopes(search: $search, first: 2) { totalCount edges { node { name } } pageInfo { hasNextPage } } }
    }`;
    expect(ok(await gql(list, { id: resourceId })).apiResource.scopes).toEqual({
      totalCount: 3,
      edges: [{ node: { name: "admin" } }, { node: { name: "docs:read" } }],
      pageInfo: { hasNextPage: true },
    });
    expect(ok(await gql(list, { id: resourceId, search: "DOCS" })).apiResource.scopes.totalCount).toBe(2);

    const updated = ok(await gql(UPDATE_SCOPE, { input: { id: write.id, name: "docs:edit", description: null } })).updateResourceScope;
    expect(updated).toEqual({ id: write.id, name: "docs:edit", description: null });
    expect(ok(await gql(DELETE_SCOPE, { id: write.id })).deleteResourceScope).toBe(write.id);
    expect(ok(await gql(list, { id: resourceId })).apiResource.scopes.totalCount).toBe(2);
    refused(await gql(DELETE_SCOPE, { id: write.id }), "NOT_FOUND");
  });

  it("have names unique per resource, without whitespace", async () => {
    const [first, second] = [await resource("https://unique-a.example.test"), await resource("https://unique-b.example.test")];
    await scope(first, "items:read");
    const error = refused(await gql(CREATE_SCOPE, { input: { resourceId: first, name: "items:read" } }), "CONFLICT");
    expect(error.message).toContain("items:read");
    await scope(second, "items:read");
    const other = await scope(first, "items:write");
    refused(await gql(UPDATE_SCOPE, { input: { id: other, name: "items:read" } }), "CONFLICT");
    refused(await gql(CREATE_SCOPE, { input: { resourceId: first, name: "items read" } }), "BAD_USER_INPUT", "input.name");
    refused(await gql(CREATE_SCOPE, { input: { resourceId: "ghost", name: "x" } }), "NOT_FOUND", "input.resourceId");
  });

  it("leave every global and organization role when deleted, and go with their resource", async () => {
    const resourceId = await resource("https://cascade.example.test");
    const [kept, dropped] = [await scope(resourceId, "keep"), await scope(resourceId, "drop")];
    const globalRole = ok(await gql(`mutation ($ids: [ID!]) { createGlobalRole(input: { name: "cascade-global", resourceScopeIds: $ids }) { id } }`, { ids: [kept, dropped] })).createGlobalRole;
    const organizationRole = ok(await gql(`mutation ($ids: [ID!]) { createOrganizationRole(input: { name: "cascade-org", resourceScopeIds: $ids }) { id } }`, { ids: [kept, dropped] })).createOrganizationRole;
    const roles = `query ($g: ID!, $o: ID!) { globalRole(id: $g) { resourceScopes { name } } organizationRole(id: $o) { resourceScopes { name } } }`;
    const ids = { g: globalRole.id, o: organizationRole.id };

    ok(await gql(DELETE_SCOPE, { id: dropped }));
    expect(ok(await gql(roles, ids))).toEqual({ globalRole: { resourceScopes: [{ name: "keep" }] }, organizationRole: { resourceScopes: [{ name: "keep" }] } });
    ok(await gql(DELETE, { id: resourceId }));
    expect(ok(await gql(roles, ids))).toEqual({ globalRole: { resourceScopes: [] }, organizationRole: { resourceScopes: [] } });
  });
});

describe("scopes", () => {
  it("resources:read reads but does not write; other management scopes do neither", async () => {
    const reader = await admin(gatehouse.server, "resources:read");
    ok(await reader(`{ apiResources { totalCount } }`));
    refused(await reader(CREATE, { input: { name: "x", indicator: "https://nope.example.test" } }), "FORBIDDEN");
    const stranger = await admin(gatehouse.server, "users:write");
    refused(await stranger(`{ apiResources { totalCount } }`), "FORBIDDEN");
    refused(await stranger(DELETE_SCOPE, { id: "x" }), "FORBIDDEN");
  });
});
