// Operation limits (graphql-armor): depth, aliases, tokens, directives and cost, checked while the
// document is parsed and validated, so an operation over a limit never runs. Each refusal is a
// QUERY_LIMIT_EXCEEDED error whose `extensions.details.limit` names the limit.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError, ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { OperationLimits } from "../config/index.js";
import { GatehouseError } from "../errors.js";
import { toGraphQLError } from "./errors.js";

/** Fixed: no legitimate operation carries more directives than this. */
const MAX_DIRECTIVES = 50;

type Limit = "depth" | "aliases" | "tokens" | "directives" | "cost";

/** Replaces graphql-armor's error (no code, "Syntax Error:" prefix) by a coded one. */
function refuse(limit: Limit) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const message = error.message.replace(/^Syntax Error: /, "");
    const refusal = toGraphQLError(new GatehouseError("QUERY_LIMIT_EXCEEDED", message, { details: { limit } }));
    // The token limit is checked by the parser, which has no validation context: throwing there
    // makes the parse fail with this error.
    if (!context) throw refusal;
    context.reportError(refusal);
  };
}

function check(limit: Limit) {
  return { propagateOnRejection: false, onReject: [refuse(limit)] };
}

/**
 * The limits as one Yoga plugin. Fragments count as what they select (a router's `_entities`
 * query is all inline fragments). Cost counts one per field, times the `first`/`last` literal of a
 * list field: roughly how many values the response can hold.
 */
export function useOperationLimits(limits: OperationLimits, options: { hideSuggestions: boolean }): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...check("depth") },
    maxAliases: { n: limits.maxAliases, ...check("aliases") },
    maxTokens: { n: limits.maxTokens, ...check("tokens") },
    maxDirectives: { n: MAX_DIRECTIVES, ...check("directives") },
    costLimit: {
      maxCost: limits.maxCost,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      flattenFragments: true,
      ...check("cost"),
    },
    // "Did you mean …?" would reveal field names that introspection no longer shows.
    blockFieldSuggestion: { enabled: options.hideSuggestions, mask: "" },
  });
}
