// Server lifecycle: open the database, migrate, build the schema, serve HTTP, stop gracefully.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Config } from "./config/index.js";
import { type Database, type OpenDatabaseOptions, openDatabase } from "./db/index.js";
import { type Migration, MigrationError, migrate, migrationStatus, readMigrations } from "./db/migrate.js";
import { buildSchema } from "./graphql/schema/index.js";
import { createGraphQL } from "./graphql/yoga.js";
import { createApp } from "./http/app.js";
import type { Logger } from "./logger.js";

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  db: Database;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  database?: OpenDatabaseOptions;
}

export async function startServer(config: Config, logger: Logger, options: StartServerOptions = {}): Promise<RunningServer> {
  const db = await openDatabase(config.database, {
    ...options.database,
    onPoolError: (error) => logger.warn({ err: error }, "idle database connection failed"),
  });
  try {
    const migrations = await readMigrations();
    await prepareDatabase(db, migrations, config.migrateOnStart, logger);
    const schema = buildSchema();
    const yoga = createGraphQL({ schema, db, logger });
    const app = createApp({ db, migrations, yoga, logger });
    const server = createServer(getRequestListener(app.fetch));
    await listen(server, config.server.port, config.server.host);
    const { port } = server.address() as AddressInfo;
    const url = `http://${formatHost(config.server.host)}:${port}`;
    logger.info({ url, graphql: `${url}/graphql`, database: db.kind }, "Gatehouse is listening");
    return { url, port, db, stop: gracefulStop(server, db, config.server.shutdownTimeoutMs, logger) };
  } catch (error) {
    await db.close();
    throw error;
  }
}

async function prepareDatabase(db: Database, migrations: Migration[], migrateOnStart: boolean, logger: Logger) {
  if (migrateOnStart) {
    await migrate(db.pool, migrations, {
      onLockWait: () => logger.info("waiting for another process to finish applying migrations"),
      onApplied: (name, ms) => logger.info({ migration: name, ms: Math.round(ms) }, "migration applied"),
    });
    return;
  }
  const { pending } = await migrationStatus(db.pool, migrations);
  if (pending.length > 0) {
    throw new MigrationError(
      `${pending.length} migration(s) pending (${pending.join(", ")}) and GATEHOUSE_MIGRATE_ON_START is false. ` +
        "Run `gatehouse migrate` first.",
      pending[0]!,
    );
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function formatHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

function gracefulStop(server: Server, db: Database, timeoutMs: number, logger: Logger): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  server.on("request", (_request, response) => {
    // While stopping, tell keep-alive clients to go away, and drop each connection once it is idle.
    if (stopping) response.setHeader("connection", "close");
    response.on("finish", () => {
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
  });
  return () => {
    stopping ??= (async () => {
      logger.info("stopping: no new connections; finishing in-flight requests");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => {
        logger.warn({ timeoutMs }, "in-flight requests did not finish in time; closing their connections");
        server.closeAllConnections();
      }, timeoutMs);
      await closed;
      clearTimeout(deadline);
      await db.close();
      logger.info("stopped");
    })();
    return stopping;
  };
}
