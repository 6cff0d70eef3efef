// A type's rule is checked once per object (the auth plugin's isTypeOf), and a rule keyed by the
// organization an object belongs to (`inOrganization`) is evaluated once per organization and
// request: objects of another organization in the same response must still get their own answer.
import { graphql } from "graphql";
import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.js";
import { inOrganization, isPublic } from "../../src/graphql/auth/rules.js";
import { createBuilder } from "../../src/graphql/builder.js";
import type { GraphQLContext } from "../../src/graphql/context.js";
import { buildSchema } from "../../src/graphql/schema/index.js";

function membershipSchema() {
  const builder = createBuilder();
  const Membership = builder.objectRef<{ organizationId: string; name: string }>("Membership").implement({
    auth: inOrganization({ permission: "read:members", manage: "organizations:read", organizationId: (row) => row.organizationId }),
    fields: (t) => ({ name: t.exposeString("name") }),
  });
  builder.queryType({
    fields: (t) => ({
      memberships: t.field({
        type: [Membership],
        nullable: { list: false, items: true },
        auth: isPublic,
        // Interleaved, so a cached answer for one organization would be reused for the other's rows.
        resolve: () => [
          { organizationId: "org-a", name: "a1" },
          { organizationId: "org-b", name: "b1" },
          { organizationId: "org-a", name: "a2" },
          { organizationId: "org-b", name: "b2" },
        ],
      }),
    }),
  });
  return buildSchema(builder);
}

function organizationToken(organizationId: string, scopes: string[]): Principal {
  return { kind: "organization", organizationId, subject: { type: "application", id: "app" }, clientId: "app", scopes: new Set(scopes) };
}

async function readMemberships(principal: Principal) {
  const contextValue = { principal } as unknown as GraphQLContext;
  const result = await graphql({ schema: membershipSchema(), source: "{ memberships { name } }", contextValue });
  return {
    names: (result.data?.memberships as ({ name: string } | null)[]).map((membership) => membership?.name ?? null),
    refused: (result.errors ?? []).map((error) => [error.path?.join("."), error.extensions.code]),
  };
}

describe("type rules keyed by organization", () => {
  it("answer each organization's objects for that organization, within one request", async () => {
    for (const own of ["org-a", "org-b"]) {
      const { names, refused } = await readMemberships(organizationToken(own, ["read:members"]));
      const visible = (organizationId: string, name: string) => (organizationId === own ? name : null);
      expect(names).toEqual([visible("org-a", "a1"), visible("org-b", "b1"), visible("org-a", "a2"), visible("org-b", "b2")]);
      expect(refused).toHaveLength(2);
      for (const [, code] of refused) expect(code).toBe("FORBIDDEN");
    }
  });

  it("refuse every object to a token without the permission", async () => {
    const { names, refused } = await readMemberships(organizationToken("org-a", ["read:organization"]));
    expect(names).toEqual([null, null, null, null]);
    expect(refused.map(([path]) => path)).toEqual(["memberships.0", "memberships.1", "memberships.2", "memberships.3"]);
  });
});
