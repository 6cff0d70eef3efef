// The example of Logto's organization docs, end to end: an organization template with `admin`
// (invite:users, remove:users) and `member` (invite:users), two organizations, users holding the
// roles in them — from the template to the tokens each user then gets.
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { admin, ok } from "../../support/graphql.js";
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, identityToken, requestToken } from "../../support/oauth.js";
import { useGatehouse } from "../../support/gatehouse.js";


const gatehouse = useGatehouse();
const gql = gatehouse.admin;

/** Runs `mutation(input: $input) { id }` with the input type `inputType`; returns the id. */
async function create(mutation: string, inputType: string, input: Record<string, unknown>): Promise<string> {
  const data = ok(await gql<Record<string, { id: string }>>(`mutation ($input: ${inputType}!) { ${mutation}(input: $input) { id } }`, { input }));
  return data[mutation]!.id;
}

async function tokenFor(userId: string, organizationId: string) {
  return requestToken(gatehouse.server, {
    grant_type: TOKEN_EXCHANGE,
    subject_token: await identityToken(gatehouse.server, userId),
    subject_token_type: ACCESS_TOKEN_TYPE,
    organization_id: organizationId,
  });
}

describe("Logto's organization example", () => {
  it("turns the template and memberships into each user's organization tokens", async () => {
    const invite = await create("createOrganizationScope", "CreateOrganizationScopeInput", { name: "invite:users" });
    const remove = await create("createOrganizationScope", "CreateOrganizationScopeInput", { name: "remove:users" });
    await create("createOrganizationRole", "CreateOrganizationRoleInput", { name: "admin", organizationScopeIds: [invite, remove] });
    await create("createOrganizationRole", "CreateOrganizationRoleInput", { name: "member", organizationScopeIds: [invite] });

    const acme = await create("createOrganization", "CreateOrganizationInput", { name: "Acme" });
    const globex = await create("createOrganization", "CreateOrganizationInput", { name: "Globex" });
    const alice = { id: await create("createUser", "CreateUserInput", { name: "Alice", primaryEmail: "alice@example.test" }) };
    const bob = { id: await create("createUser", "CreateUserInput", { name: "Bob", primaryEmail: "bob@example.test" }) };

    const add = `mutation ($input: AddOrganizationMembersInput!) { addOrganizationMembers(input: $input) { user { id } } }`;
    ok(await gql(add, { input: { organizationId: acme, userIds: [alice.id], roleNames: ["admin"] } }));
    ok(await gql(add, { input: { organizationId: acme, userIds: [bob.id], roleNames: ["member"] } }));
    ok(await gql(add, { input: { organizationId: globex, userIds: [alice.id], roleNames: ["member"] } }));

    const scopes = async (userId: string, organizationId: string) => {
      const response = await tokenFor(userId, organizationId);
      if (!response.body.access_token) return response.body.error;
      const claims = decodeJwt(response.body.access_token);
      expect(claims.organization_id).toBe(organizationId);
      expect(claims.aud).toBe(`urn:logto:organization:${organizationId}`);
      return claims.scope;
    };
    expect(await scopes(alice.id, acme)).toBe("invite:users remove:users");
    expect(await scopes(alice.id, globex)).toBe("invite:users");
    expect(await scopes(bob.id, acme)).toBe("invite:users");
    expect(await scopes(bob.id, globex)).toBe("access_denied");

    // Promote Bob in Acme; his next token shows it without signing in again.
    ok(
      await gql(`mutation ($input: OrganizationMemberRolesInput!) { assignOrganizationMemberRoles(input: $input) { user { id } } }`, {
        input: { organizationId: acme, userIds: [bob.id], roleNames: ["admin"] },
      }),
    );
    expect(await scopes(bob.id, acme)).toBe("invite:users remove:users");

    // Deleting a permission takes it out of every role, so out of every next token.
    ok(await gql(`mutation ($id: ID!) { deleteOrganizationScope(input: { id: $id }) }`, { id: remove }));
    expect(await scopes(alice.id, acme)).toBe("invite:users");
  });
});
