// The Pothos plugin behind `auth` rules. For every output field it
//   - fails the schema build when the field has no rule (default deny), unless its type has one;
//   - turns the rule into scope-auth `authScopes` (enforcement) and into the federation
//     `@authenticated` / `@requiresScopes` options (printing);
//   - ends the field's description with the rule in words ("Authorization: …"; a field without a
//     rule of its own, its type's).
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
import { ORGANIZATION_SCOPED } from "./directives.js";
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

/** How a description ends: the rule in words, its own paragraph. */
export const RULE_PARAGRAPH = "Authorization: ";

function withRuleSentence(description: string | null | undefined, rule: AuthRule, level: Level = "field"): string {
  const sentence = `${level === "type" ? "Authorization of every field: " : RULE_PARAGRAPH}${rule.description}.`;
  return description?.trim() ? `${description.trimEnd()}\n\n${sentence}` : sentence;
}
type Level = "field" | "type";

/** What scope-auth (enforcement) and the federation plugin (printing) need for a rule. */
function optionsFor(rule: AuthRule, level: Level): Options {
  const { requirement } = rule;
  if (requirement.kind === "parent") return {};
  const authScopes =
    level === "field"
      ? (parent: unknown, args: unknown) => rule.scopes(parent, args)
      : (parent: unknown) => rule.scopes(parent, {});
  switch (requirement.kind) {
    case "public":
      return { authScopes };
    case "authenticated":
      return { authScopes, authenticated: true };
    case "scopes":
      return { authScopes, requiresScopes: alternatives(requirement) };
  }
}

/** @requiresScopes alternatives (any one suffices): `all`, then each management scope, then each permission. */
function alternatives(requirement: Extract<RuleRequirement, { kind: "scopes" }>): string[][] {
  const scopes = new Set<string>(["all", ...requirement.management, ...requirement.organization]);
  return [...scopes].map((scope) => [scope]);
}

/** The @organizationScoped directive for rules with organization permissions. */
function bindingDirectives(rule: AuthRule): { name: string; args: { scopes: string[] } }[] {
  const { requirement } = rule;
  if (requirement.kind !== "scopes" || !requirement.bound || requirement.organization.length === 0) return [];
  return [{ name: ORGANIZATION_SCOPED, args: { scopes: requirement.organization } }];
}

/** Adds the options and directives other plugins read later (scope-auth at resolve, federation when printing). */
function withRule<C extends { pothosOptions: object; description?: string | null | undefined; extensions?: Record<string, unknown> | null }>(
  config: C,
  rule: AuthRule,
  level: Level,
): C {
  const existing = (config.extensions?.directives as unknown[] | undefined) ?? [];
  return {
    ...config,
    description: withRuleSentence(config.description, rule, level),
    pothosOptions: { ...config.pothosOptions, ...optionsFor(rule, level) },
    extensions: { ...config.extensions, directives: [...existing, ...bindingDirectives(rule)] },
  };
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
    return withRule(typeConfig, rule, "type");
  }

  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const rule = fieldConfig.pothosOptions.auth as AuthRule | undefined;
    if (!rule) {
      const parent = this.buildCache.getTypeConfig(fieldConfig.parentType) as PothosObjectTypeConfig;
      const inherited = parent.pothosOptions.auth as AuthRule | undefined;
      if (!inherited) {
        this.unauthorized.add(`${parent.name}.${fieldConfig.name}`);
        return fieldConfig;
      }
      // The type's rule covers the field: its description says so too.
      return { ...fieldConfig, description: withRuleSentence(fieldConfig.description, inherited) };
    }
    return withRule(fieldConfig, rule, "field");
  }

  override afterBuild(schema: GraphQLSchema): GraphQLSchema {
    if (this.unauthorized.size > 0) throw new UnauthorizedFieldsError([...this.unauthorized].sort());
    return schema;
  }
}

SchemaBuilder.registerPlugin(pluginName, GatehouseAuthPlugin);

export default pluginName;
