// Operation cost: about how many values an operation's response can hold, computed with the
// request's variables and the server's own clamp of page sizes, before anything runs.
// graphql-query-complexity walks the document (fragments, @include/@skip with their variables);
// `fieldCost` below is what one field costs here.
import { getConnectionPageSize } from "@pothos/core";
import {
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { type ComplexityEstimatorArgs, getComplexity } from "graphql-query-complexity";
import { GatehouseError } from "../errors.js";
import { PAGE_SIZE } from "./builder.js";
import { toGraphQLError } from "./errors.js";

/** What a list with no page size and no input to size it is assumed to hold (a member's roles, a role's permissions). */
export const UNSIZED_LIST_LENGTH = 10;

/**
 * Fields the walk may visit (each fragment spread is walked again where it is used); past this
 * the operation is refused without finishing the count.
 */
const MAX_VISITED_SELECTIONS = 10_000;

/** A connection (Relay): an object type with `edges` and `pageInfo`. */
function isConnection(type: GraphQLCompositeType): boolean {
  return isObjectType(type) && "edges" in type.getFields() && "pageInfo" in type.getFields();
}

/** The longest list among a field's arguments (one level into input objects): `_entities`' representations, a mutation's ids. */
function longestListArgument(args: Record<string, unknown>): number | undefined {
  let longest: number | undefined;
  const consider = (value: unknown) => {
    if (Array.isArray(value)) longest = Math.max(longest ?? 0, value.length);
  };
  for (const value of Object.values(args)) {
    consider(value);
    if (value && typeof value === "object" && !Array.isArray(value)) Object.values(value).forEach(consider);
  }
  return longest;
}

/** How many times a field's selection runs: once per value the field returns. */
function multiplier(parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  const type = getNamedType(field.type);
  // The page the server will return: `first`/`last` clamped exactly as the connection clamps them.
  if (isObjectType(type) && isConnection(type)) {
    const { expectedSize } = getConnectionPageSize({
      args: args as { first?: number | null; last?: number | null },
      defaultSize: PAGE_SIZE.default,
      maxSize: PAGE_SIZE.max,
    });
    return Math.max(0, expectedSize);
  }
  if (!isListType(getNullableType(field.type))) return 1;
  // A connection's `edges` hold the page its field already counted.
  if (isConnection(parent)) return 1;
  return longestListArgument(args) ?? UNSIZED_LIST_LENGTH;
}

/** One per field, plus what its selection costs times how many values the field returns. */
export function fieldCost({ type, field, args, childComplexity }: ComplexityEstimatorArgs): number {
  // Introspection reads the schema in memory, bounded by its size (GraphiQL's query would count ~50,000).
  if (field.name === "__schema" || field.name === "__type") return 1;
  return 1 + childComplexity * multiplier(type, field, args);
}

export interface CostRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

/**
 * The operation's cost, or `undefined` when its variables do not fit the operation (execution
 * then refuses it with BAD_USER_INPUT before running anything).
 * Throws QUERY_LIMIT_EXCEEDED when the document is too large to count.
 */
export function operationCost({ schema, document, variables, operationName }: CostRequest): number | undefined {
  try {
    return getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName,
      estimators: [fieldCost],
      maxQueryNodes: MAX_VISITED_SELECTIONS,
    });
  } catch (error) {
    if (error instanceof Error && /maximum allowed number of nodes/.test(error.message)) {
      throw new GatehouseError("QUERY_LIMIT_EXCEEDED", "The operation selects too many fields to count its cost.", {
        details: { limit: "cost" },
      });
    }
    return undefined;
  }
}

/** The refusal, before execution: HTTP 400 under `application/graphql-response+json`, like validation errors. */
function refusal(error: GatehouseError) {
  const graphQLError = toGraphQLError(error);
  Object.assign(graphQLError.extensions, { http: { status: 400, spec: true } });
  return { errors: [graphQLError] };
}

function check(request: CostRequest, maxCost: number) {
  let cost: number | undefined;
  try {
    cost = operationCost(request);
  } catch (error) {
    if (error instanceof GatehouseError) return refusal(error);
    throw error;
  }
  if (cost === undefined || cost <= maxCost) return undefined;
  return refusal(
    new GatehouseError("QUERY_LIMIT_EXCEEDED", `The operation's cost, ${cost}, is over the limit of ${maxCost}.`, {
      details: { limit: "cost", cost, maxCost },
    }),
  );
}

/** Refuses an operation (query, mutation or subscription) whose cost is over `maxCost`, before it runs. */
export function useOperationCost(maxCost: number): Plugin {
  const requestOf = (args: { schema: GraphQLSchema; document: DocumentNode; variableValues?: unknown; operationName?: string | null }) => ({
    schema: args.schema,
    document: args.document,
    variables: (args.variableValues ?? undefined) as Record<string, unknown> | undefined,
    operationName: args.operationName ?? undefined,
  });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = check(requestOf(args), maxCost);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = check(requestOf(args), maxCost);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
