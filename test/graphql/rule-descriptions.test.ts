// Rules where developers look: every field's description ends with its authorization rule in words,
// written from the same declaration that enforces it (so GraphiQL's docs, codegen and
// schema.graphql show it); every query, mutation and subscription says what it does; a FORBIDDEN
// error names what the field required (the declaration only, never data).
import { type GraphQLField, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { ruleOf } from "../../src/graphql/auth/required.js";
import { buildSchema } from "../../src/graphql/schema/index.js";
import { caller, ok } from "../support/graphql.js";
import { useGatehouse } from "../support/gatehouse.js";
import { managementToken, organizationToken } from "../support/oauth.js";

const schema = buildSchema();
/** Federation's own fields (`_entities`, `_service`, `_Service.sdl`) are the router's, not Gatehouse's rules. */
const isFederation = (typeName: string, fieldName: string) => fieldName.startsWith("_") || typeName === "_Service";

function everyField(): [string, GraphQLField<unknown, unknown>][] {
  return Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !type.name.startsWith("__"))
    .flatMap((type) => Object.values(type.getFields()).map((field): [string, GraphQLField<unknown, unknown>] => [type.name, field]))
    .filter(([typeName, field]) => !isFederation(typeName, field.name));
}

describe("field descriptions", () => {
  it("end with the field's rule in words, the one its declaration enforces (its type's when it has none)", () => {
    const fields = everyField();
    expect(fields.length).toBeGreaterThan(200);
    for (const [typeName, field] of fields) {
      const type = schema.getType(typeName)!;
      const rule = ruleOf(field) ?? ruleOf(type);
      expect(rule, `${typeName}.${field.name}`).toBeDefined();
      expect(field.description, `${typeName}.${field.name}`).toMatch(new RegExp(`(^|\\n\\n)Authorization: ${escape(rule!.description)}\\.$`));
    }
  });

  it("say what the rule asks for: scopes, organization permissions and their binding", () => {
    const fields = (typeName: string) => (schema.getType(typeName) as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields();
    expect(fields("Query").organizations!.description).toMatch(/Authorization: a management token with `organizations:read` \(or `all`\)/);
    expect(fields("Organization").customData!.description).toMatch(/\n\nAuthorization: a management token with `organizations:read` \(or `all`\)\.$/);
    expect(fields("Organization").createdAt!.description).toBe(
      "Authorization: a management token with `organizations:read` (or `all`), or an organization token for this organization " +
        "with the permission `read:organization`.",
    );
    // The printed schema carries them, as the committed schema.graphql does.
    expect(fields("User").customData!.description).toContain("Authorization: a management token with `users:read` (or `all`).");
  });

  it("of every query, mutation and subscription say what it does before the rule", () => {
    const undescribed = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!].flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => !isFederation(type.name, field.name))
        .filter((field) => !field.description?.split(/\n\nAuthorization: |^Authorization: /)[0]?.trim())
        .map((field) => `${type.name}.${field.name}`),
    );
    expect(undescribed).toEqual([]);
  });
});

describe("FORBIDDEN", () => {
  const gatehouse = useGatehouse();

  it("carries what the field required: scopes, permissions and whether they are bound to the organization", async () => {
    const { fixtures: f, server } = gatehouse;
    const acme = await f.organization({ name: "Acme" });
    const user = await f.user();
    await f.member(acme.id, user.id, [(await f.organizationRole({ permissions: ["read:organization"] })).id]);
    const member = caller(server, await organizationToken(server, user.id, acme.id));

    const response = await member(`{ organization(id: "${acme.id}") { name customData members { totalCount } } }`);
    expect(response.data).toEqual({ organization: { name: "Acme", customData: null, members: null } });
    const byPath = Object.fromEntries(response.errors!.map((error) => [error.path!.join("."), error.extensions]));
    expect(byPath["organization.customData"]).toEqual({
      code: "FORBIDDEN",
      required: {
        rule: "a management token with `organizations:read` (or `all`)",
        managementScopes: ["all", "organizations:read"],
      },
    });
    expect(byPath["organization.members"]).toMatchObject({
      code: "FORBIDDEN",
      required: {
        managementScopes: ["all", "organizations:read"],
        organizationPermissions: ["read:members"],
        organizationBound: true,
      },
    });
    // The rule only: no id, name or value of anything.
    expect(JSON.stringify(response.errors)).not.toContain(acme.id);
  });

  it("names the management scope a management token lacked", async () => {
    const { server } = gatehouse;
    const usersOnly = caller(server, await managementToken(server, "users:read"));
    ok(await usersOnly("{ users { totalCount } }"));
    const response = await usersOnly("{ organizations { totalCount } }");
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: "FORBIDDEN",
      required: { managementScopes: ["all", "organizations:read"] },
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
