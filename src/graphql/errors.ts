// GraphQL errors: GatehouseError → GraphQLError with `extensions.code`; everything else masked.
import { PothosValidationError } from "@pothos/core";
import { type ASTNode, GraphQLError, type GraphQLObjectType, type GraphQLResolveInfo, Kind } from "graphql";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable, isStatementTimeout } from "../db/errors.js";
import { GatehouseError } from "../errors.js";
import { requiredFor } from "./auth/required.js";
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

/**
 * A refusal to read `target`: UNAUTHENTICATED without a token, else FORBIDDEN with `message` and
 * what the rule requires (`extensions.required`, the declaration only; looked up only then).
 */
function refusal(context: GraphQLContext, target: string, message: string, required: () => ReturnType<typeof requiredFor>): GraphQLError {
  if (!context.principal) return toGraphQLError(new GatehouseError("UNAUTHENTICATED", `Authentication is required to read ${target}.`));
  const requirement = required();
  return new GraphQLError(message, { extensions: { code: "FORBIDDEN", ...(requirement ? { required: requirement } : {}) } });
}

/** The error of a field the caller may not resolve. */
export function forbidden(context: GraphQLContext, info: GraphQLResolveInfo): GraphQLError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  return refusal(context, field, `Not authorized to read ${field}.`, () => requiredFor(info.parentType.getFields()[info.fieldName], info.parentType));
}

/**
 * An object the caller may not read (its type's rule refused it): the field that returned it
 * resolves to null with this error, which names the type and what its rule requires.
 */
export function forbiddenObject(context: GraphQLContext, type: GraphQLObjectType): GraphQLError {
  return refusal(context, type.name, `Not authorized to read this ${type.name}.`, () => requiredFor(undefined, type));
}

/** The database is unavailable: a retryable refusal, distinct from a bug. */
export function serviceUnavailable(): GatehouseError {
  return new GatehouseError("SERVICE_UNAVAILABLE", `The database is unavailable; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`, {
    details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
  });
}

/** HTTP 503 with Retry-After, for a response whose operation failed as a whole. */
export const serviceUnavailableHttp = { status: 503, headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } };

/**
 * Yoga's error masking: GatehouseErrors (and errors already carrying a code) pass through; the
 * database being unavailable becomes SERVICE_UNAVAILABLE, a refused connection argument
 * BAD_USER_INPUT; anything else (a bug) becomes INTERNAL_SERVER_ERROR with no detail.
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const path = error instanceof GraphQLError ? error.path : undefined;
  if (original instanceof GatehouseError) return toGraphQLError(original, path);
  if (isStatementTimeout(original)) {
    return toGraphQLError(
      new GatehouseError("OPERATION_TIMEOUT", "A database statement ran past the operation's deadline and was cancelled."),
      path,
    );
  }
  if (isDatabaseUnavailable(original)) {
    const refusal = toGraphQLError(serviceUnavailable(), path);
    // Outside execution (building the request's context) nothing ran: the request failed as a whole.
    return path ? refusal : withHttp(refusal, serviceUnavailableHttp);
  }
  if (original instanceof PothosValidationError) {
    const refused = connectionArgumentError(original, error instanceof GraphQLError ? error.nodes?.[0] : undefined);
    if (refused) return toGraphQLError(refused, path);
  }
  if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) {
    // Errors graphql-js raises before execution get their code from useErrorCodes; one raised in
    // a resolver without a code is a bug.
    if (!path || error.extensions?.code) return withoutQuotedInput(withoutOriginalError(error));
  }
  return new GraphQLError(message, { path, extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

/**
 * @pothos/plugin-relay and @pothos/plugin-prisma refuse connection arguments (a negative `first`,
 * `before` with `after`, a cursor they did not issue) with a PothosValidationError that has no code:
 * its message is the only signal, so each known refusal is listed here with the argument it names.
 * Other PothosValidationErrors are schema bugs and stay INTERNAL_SERVER_ERROR.
 */
const CONNECTION_ARGUMENT_REFUSALS: { pattern: RegExp; argument: (match: RegExpExecArray) => string | undefined }[] = [
  { pattern: /^Argument "(first|last)" must be a non-negative integer$/, argument: (match) => match[1] },
  { pattern: /^Argument "last" can only be used in combination with "before" or "first"$/, argument: () => "last" },
  { pattern: /^Arguments "(\w+)" and "(\w+)" are not supported at the same time$/, argument: (match) => match[1] },
  { pattern: /^(Invalid (offset )?cursor|Cursor must be a string|Expected compound cursor|Invalid id received for )/, argument: () => undefined },
];

function connectionArgumentError(error: PothosValidationError, field: ASTNode | undefined): GatehouseError | undefined {
  for (const { pattern, argument } of CONNECTION_ARGUMENT_REFUSALS) {
    const match = pattern.exec(error.message);
    if (!match) continue;
    const named = argument(match);
    if (named) return new GatehouseError("BAD_USER_INPUT", error.message, { field: named });
    // A cursor: the message quotes it, so it is not repeated; the field names the cursor argument given.
    const cursor = cursorArgumentOf(field);
    return new GatehouseError("BAD_USER_INPUT", `Argument "${cursor}" is not a cursor of this connection.`, { field: cursor });
  }
  return undefined;
}

function cursorArgumentOf(field: ASTNode | undefined): string {
  const given = field?.kind === Kind.FIELD ? (field.arguments ?? []).map((argument) => argument.name.value) : [];
  return given.find((name) => name === "after" || name === "before") ?? "after";
}

function withHttp(error: GraphQLError, http: typeof serviceUnavailableHttp): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: { ...error.extensions, http } });
}

/**
 * Yoga's refusals that quote the request body, by their message (the only signal they carry), with
 * words that quote nothing: a refused body is never echoed, however long or whatever it holds.
 */
const QUOTING_REFUSALS: { pattern: RegExp; message: string }[] = [
  {
    pattern: /^Unexpected parameter "[\s\S]*" in the request body\.$/,
    message: "The request body has a parameter GraphQL over HTTP does not define: only query, operationName, variables and extensions.",
  },
];

function withoutQuotedInput(error: GraphQLError): GraphQLError {
  const refusal = QUOTING_REFUSALS.find(({ pattern }) => pattern.test(error.message));
  if (!refusal) return error;
  return new GraphQLError(refusal.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: error.extensions });
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
