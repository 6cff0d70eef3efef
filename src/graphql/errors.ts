// GraphQL errors: GatehouseError → GraphQLError with `extensions.code`; everything else masked.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { isStatementTimeout } from "../db/errors.js";
import { GatehouseError } from "../errors.js";
import type { GraphQLContext } from "./context.js";

export function toGraphQLError(error: GatehouseError, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(error.message, {
    path,
    extensions: {
      code: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(error.details ? { details: error.details } : {}),
    },
  });
}

/** The error of a field the caller may not resolve: UNAUTHENTICATED without a token, else FORBIDDEN. */
export function forbidden(context: GraphQLContext, info: GraphQLResolveInfo): GraphQLError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  return context.principal
    ? toGraphQLError(new GatehouseError("FORBIDDEN", `Not authorized to read ${field}.`))
    : toGraphQLError(new GatehouseError("UNAUTHENTICATED", `Authentication is required to read ${field}.`));
}

/**
 * Yoga's error masking: GatehouseErrors (and errors already carrying a code) pass through;
 * anything else becomes INTERNAL_SERVER_ERROR with no detail.
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof GatehouseError) {
    return toGraphQLError(original, error instanceof GraphQLError ? error.path : undefined);
  }
  if (isStatementTimeout(original)) {
    return toGraphQLError(
      new GatehouseError("OPERATION_TIMEOUT", "A database statement ran past the operation's deadline and was cancelled."),
      error instanceof GraphQLError ? error.path : undefined,
    );
  }
  if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) {
    return withoutOriginalError(error);
  }
  return new GraphQLError(message, {
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  });
}

/**
 * Yoga copies the JSON parser's message into `extensions.originalError` of its "invalid JSON"
 * error, and V8 quotes the body in that message: the caller's input (a password, a token) would
 * come back in the response, and into any log that records responses.
 */
function withoutOriginalError(error: GraphQLError): GraphQLError {
  if (!error.extensions?.originalError) return error;
  const { originalError: _echo, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}
