// What a refused field required, for FORBIDDEN errors (`extensions.required`): the field's rule
// (or its type's) as declared — the rule in words, and for scope rules the management scopes, the
// organization permissions and whether those are bound to the field's organization. Only the
// static declaration: nothing about the object or the caller.
import type { GraphQLField, GraphQLNamedType } from "graphql";
import type { AuthRule } from "./rules.js";

/** The rule declared on a field or type (Pothos keeps its options in the extensions). */
export function ruleOf(owner: { extensions?: unknown } | null | undefined): AuthRule | undefined {
  return (owner?.extensions as { pothosOptions?: { auth?: AuthRule } } | undefined)?.pothosOptions?.auth;
}

export interface Required {
  /** The rule in words, as the field's description ends. */
  rule: string;
  /** Any one of these management scopes (scope rules). */
  managementScopes?: string[];
  /** Or any one of these organization permissions (scope rules that take them). */
  organizationPermissions?: string[];
  /** Whether those permissions count only in a token for the organization the field belongs to. */
  organizationBound?: boolean;
}

/** What reading `field` of `parent` requires: the field's own rule, else its type's. */
export function requiredFor(
  field: GraphQLField<unknown, unknown> | null | undefined,
  parent: GraphQLNamedType | null | undefined,
): Required | undefined {
  const rule = ruleOf(field) ?? ruleOf(parent);
  if (!rule) return undefined;
  const { requirement } = rule;
  if (requirement.kind !== "scopes") return { rule: rule.description };
  return {
    rule: rule.description,
    managementScopes: [...new Set(["all", ...requirement.management])],
    ...(requirement.organization.length > 0
      ? { organizationPermissions: requirement.organization, organizationBound: requirement.bound }
      : {}),
  };
}
