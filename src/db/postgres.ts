// PostgreSQL through node-postgres: one pool shared by Prisma's adapter and raw sessions.
import pg from "pg";
import type { SqlPool } from "./sql.js";

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
