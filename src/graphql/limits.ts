// Operation limits (graphql-armor): depth, aliases, tokens and directives, checked while the
// document is parsed and validated, so an operation over a limit never runs. Each refusal is a
// QUERY_LIMIT_EXCEEDED error whose `extensions.details.limit` names the limit. Cost needs the
// request's variables, so it is checked just before execution (cost.ts).
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError, ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { OperationLimits } from "../config/index.js";
import { GatehouseError } from "../errors.js";
import { toGraphQLError } from "./errors.js";

/** Fixed: no legitimate operation carries more directives than this. */
const MAX_DIRECTIVES = 50;

type Limit = "depth" | "aliases" | "tokens" | "directives";

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
 * query is all inline fragments).
 */
export function useOperationLimits(limits: OperationLimits, options: { hideSuggestions: boolean }): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...check("depth") },
    maxAliases: { n: limits.maxAliases, ...check("aliases") },
    maxTokens: { n: limits.maxTokens, ...check("tokens") },
    maxDirectives: { n: MAX_DIRECTIVES, ...check("directives") },
    costLimit: { enabled: false },
    // "Did you mean …?" would reveal field names that introspection no longer shows.
    blockFieldSuggestion: { enabled: options.hideSuggestions, mask: "" },
  });
}
