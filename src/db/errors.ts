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
