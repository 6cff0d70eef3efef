// PostgreSQL through node-postgres: one pool shared by Prisma's adapter and raw sessions.
import pg from "pg";
import { maskUrlPasswords } from "../config/index.js";
import { OperatorError } from "../errors.js";
import type { SqlPool } from "./sql.js";

/** PostgreSQL cannot be reached or refuses the connection; the message shows the URL without its password. */
export class DatabaseUnavailableError extends OperatorError {}

const connectTimeoutMs = 10_000;

/**
 * Connects once before anything else uses the database, so that an unreachable server, a wrong
 * password or a missing database stops start-up with one line saying which, instead of failing
 * later inside a migration. (The pool itself waits without a time limit, as pg does by default.)
 */
export async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, application_name: "gatehouse" });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseUnavailableError(
      `cannot connect to PostgreSQL at ${maskUrlPasswords(url)} (DATABASE_URL): ${connectionProblem(error)}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

function connectionProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (is PostgreSQL running, and listening on that host and port?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "unknown host";
    case "ETIMEDOUT":
      return "no answer (timed out)";
    default:
      // PostgreSQL's own reasons (wrong password, unknown database, no pg_hba.conf entry) name no secret.
      if (message?.includes("timeout")) return `no answer within ${connectTimeoutMs / 1000} s`;
      return message || code || "unknown error";
  }
}

export interface PostgresDatabase {
  pgPool: pg.Pool;
  pool: SqlPool;
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Every statement's `statement_timeout` (the GraphQL deadline); migrations lift it for their session. */
  statementTimeoutMs?: number;
}

export function openPostgres({ url, poolSize, statementTimeoutMs }: PostgresOptions, onError: (error: Error) => void): PostgresDatabase {
  const pgPool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: "gatehouse",
    ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pgPool.on("error", onError);
  return {
    pgPool,
    pool: {
      async withSession(work) {
        const client = await pgPool.connect();
        let broken: Error | undefined;
        try {
          return await work({
            async query<Row>(text: string, params: unknown[] = []) {
              return (await client.query(text, params)).rows as Row[];
            },
            async exec(script: string) {
              await client.query(script);
            },
          });
        } catch (error) {
          broken = error instanceof Error ? error : new Error(String(error));
          throw error;
        } finally {
          // A failed session may hold a half-finished transaction or a lock: discard the connection.
          client.release(broken);
        }
      },
    },
    close: () => pgPool.end(),
  };
}
