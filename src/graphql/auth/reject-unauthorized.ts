// GATEHOUSE_REJECT_UNAUTHORIZED: instead of nulling each unauthorized field, refuse the whole
// operation. Before execution, every selected field whose rule the caller cannot meet at all (no
// token, or none of its scopes) fails validation, so nothing runs; rules that hold statically but
// fail on the data (another organization's object) still null the whole result after execution.
import { type GraphQLField, type GraphQLNamedType, GraphQLError, type ValidationRule, validate } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Principal } from "../../auth/principal.js";
import { allowsManagementScope } from "../../domain/management.js";
import type { GraphQLContext } from "../context.js";
import { requiredFor, ruleOf } from "./required.js";
import type { AuthRule } from "./rules.js";

/** Whether the principal could meet the rule for some object: scopes held, organization aside. */
function mayMeet(rule: AuthRule | undefined, principal: Principal | null): boolean {
  const requirement = rule?.requirement;
  if (!requirement || requirement.kind === "public" || requirement.kind === "parent") return true;
  if (!principal) return false;
  if (requirement.kind === "authenticated") return true;
  if (principal.kind === "management") return requirement.management.some((scope) => allowsManagementScope(principal.scopes, scope));
  if (principal.kind === "organization") return requirement.organization.some((scope) => principal.scopes.has(scope));
  return false;
}

function staticRule(principal: Principal | null): ValidationRule {
  return (context) => ({
    Field(node) {
      const field = context.getFieldDef() as GraphQLField<unknown, unknown> | null;
      const parent = context.getParentType() as GraphQLNamedType | null;
      if (!field || field.name.startsWith("__")) return;
      if (!mayMeet(ruleOf(field), principal) || !mayMeet(ruleOf(parent), principal)) {
        context.reportError(
          new GraphQLError(`Not authorized to read ${parent?.name}.${field.name}; the operation was not run.`, {
            nodes: node,
            extensions: principal ? { code: "FORBIDDEN", required: requiredFor(field, parent) } : { code: "UNAUTHENTICATED" },
          }),
        );
      }
    },
  });
}

const AUTH_CODES = new Set(["FORBIDDEN", "UNAUTHENTICATED"]);

export function useRejectUnauthorized(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      // The principal exists once the context does, which is after validation: check here.
      const refusals = validate(args.schema, args.document, [staticRule(args.contextValue.principal)]);
      if (refusals.length > 0) {
        setResultAndStopExecution({ data: null, errors: refusals });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result) || !result.errors) return;
          const refusals = result.errors.filter((error) => AUTH_CODES.has(String(error.extensions?.code)));
          if (refusals.length > 0) setResult({ data: null, errors: refusals });
        },
      };
    },
  };
}
