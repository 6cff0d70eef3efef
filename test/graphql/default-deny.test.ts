// Default deny: a schema with a field that has no authorization rule does not build.
import { getNamedType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { UnauthorizedFieldsError } from "../../src/graphql/auth/plugin.js";
import { isAuthenticated, isPublic } from "../../src/graphql/auth/rules.js";
import { createBuilder } from "../../src/graphql/builder.js";
import { buildSchema } from "../../src/graphql/schema/index.js";

describe("default deny", () => {
  it("fails the build, naming each field that has no rule", () => {
    const builder = createBuilder();
    const Secret = builder.objectRef<{ value: string; hint: string }>("Secret").implement({
      fields: (t) => ({
        value: t.exposeString("value"),
        hint: t.exposeString("hint", { auth: isPublic }),
      }),
    });
    builder.queryType({
      fields: (t) => ({
        secret: t.field({ type: Secret, auth: isAuthenticated, resolve: () => ({ value: "v", hint: "h" }) }),
        leak: t.string({ resolve: () => "oops" }),
      }),
    });

    let error: unknown;
    try {
      buildSchema(builder);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnauthorizedFieldsError);
    expect((error as UnauthorizedFieldsError).fields).toEqual(["Query.leak", "Secret.value"]);
  });

  it("builds once every field has a rule, its own or its type's", () => {
    const builder = createBuilder();
    const Secret = builder.objectRef<{ value: string }>("Secret").implement({
      auth: isAuthenticated,
      fields: (t) => ({ value: t.exposeString("value") }),
    });
    builder.queryType({
      fields: (t) => ({
        secret: t.field({ type: Secret, auth: isPublic, resolve: () => ({ value: "v" }) }),
      }),
    });
    expect(() => buildSchema(builder)).not.toThrow();
  });

  it("holds for Gatehouse's own schema: every field of every type is reachable only through a rule", () => {
    const schema = buildSchema();
    const fields = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith("_"))
      .flatMap((type) => Object.values((type as import("graphql").GraphQLObjectType).getFields()).map((field) => ({ type, field })));
    expect(fields.length).toBeGreaterThan(0);
    for (const { type, field } of fields) {
      if (field.name.startsWith("_")) continue; // federation's _service and _entities
      const own = field.extensions?.pothosOptions as { auth?: unknown } | undefined;
      const typeRule = (type.extensions as { pothosOptions?: { auth?: unknown } }).pothosOptions?.auth;
      expect(own?.auth ?? typeRule, `${type.name}.${field.name} (${getNamedType(field.type).name})`).toBeDefined();
    }
  });
});
