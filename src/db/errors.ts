// Reading PostgreSQL's verdict out of a Prisma error, the same way on both driver adapters.
import { Prisma } from "../generated/prisma/client.js";

export interface ConstraintViolation {
  /** SQLSTATE: 23505 unique, 23503 foreign key, 23514 check, 23001 restrict. */
  sqlState: string;
  /** The constraint's name when PostgreSQL gave it. */
  constraint: string | undefined;
}

/** The constraint a failed write violated, or undefined when the error is something else. */
export function constraintViolation(error: unknown): ConstraintViolation | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  switch (error.code) {
    case "P2002":
      return { sqlState: "23505", constraint: undefined };
    case "P2003":
      return { sqlState: "23503", constraint: error.message.match(/constraint: `([^`]+)`/)?.[1] };
    case "P2039": {
      // "Database error. Code: `23514`. Message: `… constraint "name" …`"
      const sqlState = error.message.match(/Code: `(\w+)`/)?.[1];
      if (!sqlState?.startsWith("23")) return undefined;
      return { sqlState, constraint: error.message.match(/constraint "([^"]+)"/)?.[1] };
    }
    default:
      return undefined;
  }
}

/** The SQLSTATE PostgreSQL answered a failed statement with, when the error carries one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const cause = (error.meta?.driverAdapterError as { cause?: { originalCode?: unknown } } | undefined)?.cause;
  if (typeof cause?.originalCode === "string") return cause.originalCode;
  return error.message.match(/Code: `(\w+)`/)?.[1];
}

/** PostgreSQL cancelled the statement: it ran past `statement_timeout` (SQLSTATE 57014). */
export function isStatementTimeout(error: unknown): boolean {
  return sqlStateOf(error) === "57014";
}

/** How long a caller should wait before retrying after the database was unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// Prisma's codes for a connection that failed or was lost (P1xxx), and for no free pool connection.
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1003", "P1008", "P1011", "P1017", "P2024"]);
// The driver adapter's kinds for the same.
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "DatabaseDoesNotExist", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TlsConnectionError"]);
// SQLSTATEs of a server that is shutting down, starting, or out of connections (class 08 is every connection exception).
const UNAVAILABLE_SQL_STATES = new Set(["57P01", "57P02", "57P03", "53300", "3D000"]);
// Socket errors Node raises when the server cannot be reached or drops the connection.
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH"]);
// node-postgres raises plain Errors, without a code, for a lost connection or a pool that could not connect in time.
const UNAVAILABLE_PG_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
];

interface ErrorFields {
  code?: unknown;
  kind?: unknown;
  severity?: unknown;
  originalCode?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/**
 * The database could not be reached, or dropped the connection, or is shutting down, or refuses
 * connections: nothing the caller did, and worth retrying. Bugs (a failed constraint, bad SQL)
 * are not this. Reads Prisma's, the driver adapter's and node-postgres's errors, and their causes.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== "object" || error === null) return false;
  const fields = error as ErrorFields;
  if (fields.name === "PrismaClientInitializationError") return true;
  if (typeof fields.code === "string") {
    if (UNAVAILABLE_PRISMA_CODES.has(fields.code) || UNAVAILABLE_SOCKET_CODES.has(fields.code)) return true;
    if (isUnavailableSqlState(fields.code) && typeof fields.severity === "string") return true;
  }
  if (typeof fields.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(fields.kind)) return true;
  if (typeof fields.originalCode === "string" && isUnavailableSqlState(fields.originalCode)) return true;
  // FATAL and PANIC end the session: the connection, not the statement, failed.
  if (fields.severity === "FATAL" || fields.severity === "PANIC") return true;
  if (typeof fields.message === "string" && UNAVAILABLE_PG_MESSAGES.some((text) => (fields.message as string).startsWith(text))) return true;
  return isDatabaseUnavailable(fields.meta?.driverAdapterError, depth + 1) || isDatabaseUnavailable(fields.cause, depth + 1);
}

function isUnavailableSqlState(sqlState: string): boolean {
  return sqlState.startsWith("08") || UNAVAILABLE_SQL_STATES.has(sqlState);
}
