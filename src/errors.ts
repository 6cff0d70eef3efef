// The one error type of Gatehouse. Domain rules raise it with a stable code; each transport maps
// it (GraphQL `extensions.code`, HTTP status, OAuth `error`). Anything else that escapes is a bug
// and is masked as INTERNAL_SERVER_ERROR.

export const errorCodes = {
  BAD_USER_INPUT: "The input is invalid; `field` names the offending input when there is one.",
  NOT_FOUND: "The object does not exist (or the caller may not know that it exists).",
  CONFLICT: "The change would break a uniqueness rule, the object changed meanwhile, or its state forbids the change (an invitation no longer pending).",
  ROLE_TYPE_MISMATCH: "A role of one type (USER or MACHINE_TO_MACHINE) was given to the other kind of member.",
  MEMBERSHIP_REQUIRED: "The user or application must be a member of the organization first.",
  BUILT_IN_RESOURCE: "Gatehouse's own management API resource cannot be deleted or renamed, nor its permissions changed.",
  UNAUTHENTICATED: "The request's token is missing where one is required, or is invalid.",
  FORBIDDEN: "The token is valid but does not grant this operation.",
  QUERY_LIMIT_EXCEEDED: "The GraphQL operation is over a limit (`details.limit` names it); nothing ran.",
  OPERATION_TIMEOUT: "The GraphQL operation (or subscription event) ran past its deadline (`details.timeoutMs`) and was stopped; `data` is null.",
  RESULT_TOO_LARGE: "The GraphQL operation (or subscription event) resolved more values than allowed (`details.maxValues`) and was stopped; `data` is null.",
  PAYLOAD_TOO_LARGE: "The request's body is over the size limit (`details.limitBytes`). HTTP 413.",
  UNSUPPORTED_MEDIA_TYPE: "The body is not of an accepted type (`details.accepted`): an upload's type is read from its bytes; a POST to /graphql must be `application/json`. HTTP 415.",
  CSRF_PREVENTED: "A GET to /graphql without a header that makes browsers preflight it (`details.headers`); nothing ran. HTTP 403.",
  TOO_MANY_SUBSCRIPTIONS: "A subscription over a cap (`details.limit`: `perToken` or `perProcess`, `details.max`); it did not start. Close one and retry.",
  CURSOR_EXPIRED: "A change-feed cursor (`after`) older than the feed keeps (audit retention): changes after it were deleted. Resync: read the state again, then read on after `details.currentCursor`. Also `auditEvents`' cursor of an event retention deleted: read on from `details.currentCursor` (null: from the start).",
  SERVICE_UNAVAILABLE: "The database is unavailable (unreachable, restarting, out of connections); retry after `details.retryAfterSeconds`. When the whole operation failed: HTTP 503 with `Retry-After`.",
  INTERNAL_SERVER_ERROR: "An unexpected failure (a bug); details are in the server log, never in the response.",
  GRAPHQL_PARSE_FAILED: "The operation is not valid GraphQL syntax.",
  GRAPHQL_VALIDATION_FAILED: "The operation does not fit the schema (unknown field, wrong argument, …).",
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface GatehouseErrorOptions extends ErrorOptions {
  /** The input field at fault, as a path (`input.name`), for BAD_USER_INPUT. */
  field?: string;
  /** Extra machine-readable details, safe to show to the caller. */
  details?: Record<string, unknown>;
}

export class GatehouseError extends Error {
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: GatehouseErrorOptions = {},
  ) {
    super(message, options);
    this.name = "GatehouseError";
    this.field = options.field;
    this.details = options.details;
  }
}

/** Throws a GatehouseError unless `condition` holds. */
export function assertThat(
  condition: unknown,
  code: ErrorCode,
  message: string,
  options?: GatehouseErrorOptions,
): asserts condition {
  if (!condition) throw new GatehouseError(code, message, options);
}

/**
 * A problem the operator can fix without reading code (configuration, database, port): the CLI prints
 * its message as one line, without a stack trace, and exits non-zero. Messages never hold a secret.
 */
export class OperatorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
