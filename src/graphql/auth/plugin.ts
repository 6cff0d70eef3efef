// The Pothos plugin behind `auth` rules. For every output field it
//   - fails the schema build when the field has no rule (default deny), unless its type has one;
//   - turns the rule into scope-auth `authScopes` (enforcement) and into the federation
//     `@authenticated` / `@requiresScopes` options (printing).
// It must be the LAST plugin: Pothos runs `onOutputFieldConfig` hooks from last to first, and the
// federation plugin, running after this one, prints the options set here.
import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type InputShapeFromFields,
  type PothosObjectTypeConfig,
  type PothosOutputFieldConfig,
  type PothosTypeConfig,
  type SchemaTypes,
  type TypeParam,
} from "@pothos/core";
import type { GraphQLSchema } from "graphql";
import type { AuthRule, RuleRequirement } from "./rules.js";

const pluginName = "gatehouseAuth";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      gatehouseAuth: GatehouseAuthPlugin<Types>;
    }
    export interface FieldOptions<
      Types extends SchemaTypes,
      ParentShape,
      Type extends TypeParam<Types>,
      Nullable extends FieldNullability<Type>,
      Args extends InputFieldMap,
      ResolveShape,
      ResolveReturnShape,
    > {
      /** Who may resolve this field. Every field needs one, or its type must. */
      auth?: AuthRule<ParentShape, InputShapeFromFields<Args>>;
    }
    export interface ObjectTypeOptions<Types extends SchemaTypes, Shape> {
      /** A rule for every field of this type (entities: also checked on `_entities`). */
      auth?: AuthRule<Shape, unknown>;
    }
  }
}

export class UnauthorizedFieldsError extends Error {
  constructor(readonly fields: string[]) {
    super(
      `Every field needs an authorization rule (option \`auth\`), and these have none: ${fields.join(", ")}. ` +
        "Declare one beside the field, or `auth: isPublic` for fields anyone may read.",
    );
    this.name = "UnauthorizedFieldsError";
  }
}

type Options = { authScopes?: unknown; authenticated?: boolean; requiresScopes?: string[][] };

/** What scope-auth and the federation plugin need for a requirement. */
function optionsFor(requirement: RuleRequirement): Options {
  switch (requirement.kind) {
    case "public":
      return { authScopes: { public: true } };
    case "authenticated":
      return { authScopes: { authenticated: true }, authenticated: true };
    case "parent":
      return {};
  }
}

/** Adds options for the plugins that read them later (scope-auth at resolve, federation when printing). */
function withOptions<C extends { pothosOptions: object }>(config: C, options: Options): C {
  return { ...config, pothosOptions: { ...config.pothosOptions, ...options } };
}

export class GatehouseAuthPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private readonly unauthorized = new Set<string>();

  override beforeBuild(): void {
    this.unauthorized.clear();
  }

  override onTypeConfig(typeConfig: PothosTypeConfig): PothosTypeConfig {
    const rule = (typeConfig.pothosOptions as { auth?: AuthRule }).auth;
    if (!rule) return typeConfig;
    if (typeConfig.kind !== "Object") {
      throw new Error(`${typeConfig.name}: type-level \`auth\` rules are for object types, not ${typeConfig.kind}.`);
    }
    return withOptions(typeConfig, optionsFor(rule.requirement));
  }

  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const rule = fieldConfig.pothosOptions.auth as AuthRule | undefined;
    if (!rule) {
      const parent = this.buildCache.getTypeConfig(fieldConfig.parentType) as PothosObjectTypeConfig;
      if (!parent.pothosOptions.auth) this.unauthorized.add(`${parent.name}.${fieldConfig.name}`);
      return fieldConfig;
    }
    return withOptions(fieldConfig, optionsFor(rule.requirement));
  }

  override afterBuild(schema: GraphQLSchema): GraphQLSchema {
    if (this.unauthorized.size > 0) throw new UnauthorizedFieldsError([...this.unauthorized].sort());
    return schema;
  }
}

SchemaBuilder.registerPlugin(pluginName, GatehouseAuthPlugin);

export default pluginName;
