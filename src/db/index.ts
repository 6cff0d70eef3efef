// Opens the configured database (embedded PGlite, or PostgreSQL) behind one Prisma client.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { QueryResultRow } from "pg";
import type { DatabaseConfig } from "../config/index.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { type OpenEmbeddedOptions, openEmbedded } from "./embedded.js";
import { type Notifications, embeddedNotifications, postgresNotifications } from "./notifications.js";
import type { Migration } from "./migrate.js";
import { checkPostgres, openPostgres } from "./postgres.js";
import type { SqlPool } from "./sql.js";
import { type TemplateLookup, defaultTemplateDir, fromTemplate } from "./template.js";

export { PrismaClient } from "../generated/prisma/client.js";
export type { Prisma } from "../generated/prisma/client.js";
export type { SqlPool, SqlSession } from "./sql.js";
export type { Notifications } from "./notifications.js";
export { DatabaseUnavailableError } from "./postgres.js";

export interface QueryEvent {
  query: string;
  durationMs: number;
}

/** A statement whose text never changes, by a name unique to it. */
export interface FixedStatement {
  name: string;
  sql: string;
}

export interface Database {
  readonly kind: DatabaseConfig["kind"];
  readonly prisma: PrismaClient;
  /**
   * The same database for work in the background (webhook delivery): its statements are not
   * reported to `onQuery`, which counts what requests send.
   */
  readonly background: PrismaClient;
  /** Raw connections, for migrations and health checks. */
  readonly pool: SqlPool;
  /** LISTEN/NOTIFY: how replicas learn of each other's changes. */
  readonly notifications: Notifications;
  /**
   * Runs one fixed statement straight through the driver Prisma's adapter holds (node-postgres's
   * pool, or PGlite), not through Prisma's raw-query path; reported to `onQuery` like Prisma's
   * statements. On PostgreSQL it is the prepared statement `name` (parsed once per connection), so
   * one name must always carry the same text. For the hottest statement, the token audit INSERT
   * (docs/performance.md, "Token issuance").
   */
  execute(statement: FixedStatement, params: unknown[]): Promise<void>;
  /**
   * The same for a read, returning its rows as the driver parses them (timestamptz as Date, json
   * as objects, arrays as arrays). For reads where Prisma's query plan costs more than the
   * statements it sends: the member page (docs/performance.md, "Member page").
   */
  query<Row>(statement: FixedStatement, params: unknown[]): Promise<Row[]>;
  /** Calls `listener` for every SQL statement Prisma sends; returns a function that stops it. */
  onQuery(listener: (event: QueryEvent) => void): () => void;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions extends OpenEmbeddedOptions {
  onPoolError?: (error: Error) => void;
  /** The listening connection (PostgreSQL) was lost; it reconnects by itself. */
  onNotificationsError?: (error: Error) => void;
  /**
   * This build's migrations: a new embedded data folder is then created from the build's migrated
   * template when the template holds them (`report` hears what was found).
   */
  template?: { migrations: Migration[]; report?: (lookup: TemplateLookup) => void };
}

export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (config.kind === "postgres") await checkPostgres(config.url);
  const backend =
    config.kind === "embedded"
      ? await openEmbeddedBackend(config.dataDir, {
          ...options,
          ...(options.template
            ? { createFrom: fromTemplate(config.templateDir ?? defaultTemplateDir, options.template.migrations, options.template.report ?? (() => {})) }
            : {}),
        })
      : openPostgresBackend(config, options);
  const prisma = new PrismaClient({ adapter: backend.adapter(), log: [{ emit: "event", level: "query" }] });
  const background = new PrismaClient({ adapter: backend.adapter() });
  const listeners = new Set<(event: QueryEvent) => void>();
  const report = (event: QueryEvent) => {
    for (const listener of listeners) listener(event);
  };
  prisma.$on("query", (event) => report({ query: event.query, durationMs: event.duration }));
  return {
    kind: config.kind,
    prisma,
    background,
    pool: backend.pool,
    notifications: backend.notifications,
    async execute(statement, params) {
      const started = performance.now();
      await backend.execute(statement, params);
      report({ query: statement.sql, durationMs: performance.now() - started });
    },
    async query<Row>(statement: FixedStatement, params: unknown[]) {
      const started = performance.now();
      const rows = await backend.query<Row>(statement, params);
      report({ query: statement.sql, durationMs: performance.now() - started });
      return rows;
    },
    onQuery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await backend.notifications.close();
      await prisma.$disconnect();
      await background.$disconnect();
      await backend.close();
    },
  };
}

async function openEmbeddedBackend(dataDir: string, options: OpenEmbeddedOptions) {
  const embedded = await openEmbedded(dataDir, options);
  // PGlite is one connection: each client's transactions take its lock, so two clients take turns.
  return {
    ...embedded,
    adapter: () => new PrismaPGlite(embedded.pglite),
    notifications: embeddedNotifications(embedded.pglite),
    // Without the adapter's `parsers` option: PGlite copies its whole table of type parsers into a
    // new object for every query that passes one (10% of the embedded token endpoint's CPU).
    execute: async ({ sql }: FixedStatement, params: unknown[]) => void (await embedded.pglite.query(sql, params)),
    query: async <Row>({ sql }: FixedStatement, params: unknown[]) => (await embedded.pglite.query<Row>(sql, params)).rows,
  };
}

function openPostgresBackend(config: Extract<DatabaseConfig, { kind: "postgres" }>, options: OpenDatabaseOptions) {
  const postgres = openPostgres(config, options.onPoolError ?? (() => {}));
  const notifications = postgresNotifications(config.url, { onError: options.onNotificationsError ?? (() => {}) });
  return {
    ...postgres,
    adapter: () => new PrismaPg(postgres.pgPool),
    notifications,
    execute: async ({ name, sql }: FixedStatement, params: unknown[]) => void (await postgres.pgPool.query({ name, text: sql, values: params })),
    query: async <Row>({ name, sql }: FixedStatement, params: unknown[]) =>
      (await postgres.pgPool.query<Row & QueryResultRow>({ name, text: sql, values: params })).rows as Row[],
  };
}
