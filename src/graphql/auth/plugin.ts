// The Pothos plugin behind `auth` rules. For every output field it
//   - fails the schema build when the field has no rule (default deny), unless its type has one;
//   - turns the rule into scope-auth `authScopes` (enforcement) and into the federation
//     `@authenticated` / `@requiresScopes` options (printing);
//   - ends the field's description with the rule in words ("Authorization: …"; a field without a
//     rule of its own, its type's).
// A type's rule is enforced once per object (`isTypeOf`, see `wrapIsTypeOf`), not by scope-auth at
// every field of every object.
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
import { createContextCache, isThenable } from "@pothos/core";
import { type AuthFailure, RequestCache } from "@pothos/plugin-scope-auth";
import type { GraphQLIsTypeOfFn, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, GraphQLTypeResolver } from "graphql";
import type { GraphQLContext } from "../context.js";
import { forbiddenObject } from "../errors.js";
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

type Outcome = AuthFailure | null | Promise<AuthFailure | null>;

/** Per request: the outcome of each keyed type rule (`AuthRule.objectKey`) by key. */
const keyedOutcomes = createContextCache(() => new Map<AuthRule, Map<string, Outcome>>());

/** A type's rule sees no field arguments. */
const NO_ARGUMENTS = Object.freeze({});

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
      : (parent: unknown) => rule.scopes(parent, NO_ARGUMENTS);
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
  const { authScopes, ...printed } = optionsFor(rule, level);
  return {
    ...config,
    description: withRuleSentence(config.description, rule, level),
    // A type's rule goes to scope-auth only for printing's sake: `wrapIsTypeOf` enforces it.
    pothosOptions: { ...config.pothosOptions, ...(level === "field" ? { authScopes } : {}), ...printed },
    extensions: { ...config.extensions, directives: [...existing, ...bindingDirectives(rule)] },
  };
}

export class GatehouseAuthPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private readonly unauthorized = new Set<string>();
  /** Set while an abstract type picks an object type: graphql-js may then ask `isTypeOf` of types the value is not. */
  private resolvingType = false;

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

  /**
   * A type's rule, checked once per object of the type, when graphql-js completes it (`isTypeOf`):
   * the object is then null with one FORBIDDEN (UNAUTHENTICATED) error at the field that returned
   * it. Scope-auth would check it at every field of every object instead (the member page's 1,000
   * objects have 1,900 such fields), each behind its own wrapper; fields with a rule of their own
   * still get it from scope-auth, on top of their type's. The check is scope-auth's evaluation of
   * the same scope map, with its per-request cache; a rule with an `objectKey` is evaluated once
   * per key and request (the member page's 100 memberships share one organization). No closure is
   * made per object: this runs for each of the member page's ~1,000 objects.
   */
  override wrapIsTypeOf(
    isTypeOf: GraphQLIsTypeOfFn<unknown, Types["Context"]> | undefined,
    typeConfig: PothosObjectTypeConfig,
  ): GraphQLIsTypeOfFn<unknown, Types["Context"]> | undefined {
    const rule = typeConfig.pothosOptions.auth as AuthRule | undefined;
    if (!rule || rule.requirement.kind === "parent") return isTypeOf;
    const { builder } = this;
    const evaluate = (parent: unknown, context: object, info: GraphQLResolveInfo): Outcome =>
      RequestCache.fromContext(context, builder).evaluateScopeMap(rule.scopes(parent, NO_ARGUMENTS) as never, info);
    const { objectKey } = rule;
    const check = objectKey
      ? (parent: unknown, context: object, info: GraphQLResolveInfo): Outcome => {
          const byRule = keyedOutcomes(context);
          let outcomes = byRule.get(rule);
          if (!outcomes) byRule.set(rule, (outcomes = new Map()));
          const key = objectKey(parent);
          let outcome = outcomes.get(key);
          if (outcome === undefined) outcomes.set(key, (outcome = evaluate(parent, context, info)));
          return outcome;
        }
      : evaluate;
    const decide = (failure: AuthFailure | null, parent: unknown, context: Types["Context"], info: GraphQLResolveInfo) => {
      if (failure) throw forbiddenObject(context as GraphQLContext, info.schema.getType(typeConfig.name) as GraphQLObjectType);
      return isTypeOf?.(parent, context, info) ?? true;
    };
    return (parent, context, info) => {
      if (this.resolvingType) return isTypeOf?.(parent, context, info) ?? false;
      const failure = check(parent, context, info);
      return isThenable(failure) ? failure.then((refused) => decide(refused, parent, context, info)) : decide(failure, parent, context, info);
    };
  }

  override wrapResolveType(resolveType: GraphQLTypeResolver<unknown, Types["Context"]>): GraphQLTypeResolver<unknown, Types["Context"]> {
    return (...args) => {
      this.resolvingType = true;
      try {
        return resolveType(...args);
      } finally {
        this.resolvingType = false;
      }
    };
  }

  override afterBuild(schema: GraphQLSchema): GraphQLSchema {
    if (this.unauthorized.size > 0) throw new UnauthorizedFieldsError([...this.unauthorized].sort());
    return schema;
  }
}

SchemaBuilder.registerPlugin(pluginName, GatehouseAuthPlugin);

export default pluginName;
