// Server lifecycle: bind the port, open the database, migrate, build the schema, serve HTTP, stop gracefully.
import { type IncomingMessage, type RequestListener, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChangeFeed } from "./changes.js";
import type { Config, ServerConfig } from "./config/index.js";
import { type Database, type OpenDatabaseOptions, openDatabase } from "./db/index.js";
import { readMigrations } from "./db/migrate.js";
import { prepareDatabase } from "./db/prepare.js";
import { logTemplateLookup } from "./db/template.js";
import { OperatorError } from "./errors.js";
import type { AuthServices } from "./auth/services.js";
import type { AuditRetention } from "./domain/audit-retention.js";
import type { DenialAggregator } from "./domain/audit-denials.js";
import type { DevelopmentAccess } from "./http/development/access.js";
import { localUrl } from "./http/url.js";
import type { Logger } from "./logger.js";
import type { WebhookWorker } from "./webhooks/worker.js";

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  db: Database;
  services: AuthServices;
  /** Committed changes from every replica, and the subscriptions reading them. */
  changes: ChangeFeed;
  /** The webhook delivery worker (idle when GATEHOUSE_WEBHOOK_WORKER is false). */
  webhooks: WebhookWorker;
  /** Deletes audit events past GATEHOUSE_AUDIT_RETENTION_DAYS now and then (`run` does it now). */
  auditRetention: AuditRetention;
  /** Development mode only: the secret of the development endpoints (`/dev/…`). */
  development: DevelopmentAccess | undefined;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  database?: OpenDatabaseOptions;
}

export async function startServer(config: Config, logger: Logger, options: StartServerOptions = {}): Promise<RunningServer> {
  // The port is bound first, so a port in use stops start-up before the database is opened or
  // migrated. Until the app is ready, requests get a 503 (and /healthz a 200: the process is alive).
  let handle: RequestListener = answerStarting;
  const server = createHttpServer(config.server, (request, response) => handle(request, response));
  await listen(server, config.server.port, config.server.host);
  const { port } = server.address() as AddressInfo;
  const url = localUrl(config.server.host, port);
  let db: Database | undefined;
  let changes: ChangeFeed | undefined;
  let webhooks: WebhookWorker | undefined;
  // The GraphQL and HTTP stack loads, and the schema is built, while the database opens (below):
  // neither needs the other until the first query. Awaited after the database is up; a failure
  // to open it is the error reported, so this one is then dropped.
  const loading = import("./server-stack.js").then((stack) => ({ stack, schema: stack.buildSchema() }));
  loading.catch(() => {});
  try {
    const migrations = await readMigrations();
    db = await openDatabase(config.database, {
      // A new folder from the migrated template is a start that migrates: not when that is off.
      ...(config.migrateOnStart ? { template: { migrations, report: logTemplateLookup(logger) } } : {}),
      ...options.database,
      onPoolError: (error) => logger.warn({ err: error }, "idle database connection failed"),
      onNotificationsError: (error) => logger.warn({ err: error }, "the change-notification connection failed; reconnecting"),
    });
    await prepareDatabase(db, migrations, config.migrateOnStart, logger);
    const { stack, schema } = await loading;
    const { ChangeFeed, Metrics, WebhookWorker, AuditRetention, AuditBatcher, DenialAggregator, recordAuditOnly } = stack;
    const services = await stack.createAuthServices({ config, db, logger, issuer: () => url });
    const feed = await ChangeFeed.start(db, logger);
    changes = feed;
    feed.onSigningKeysChanged(() => services.keys.invalidate());
    const metrics = new Metrics({ openSubscriptions: () => feed.subscribers });
    const worker = await WebhookWorker.start({ db, config: config.webhooks, sealer: services.webhookSecrets, logger, registry: metrics.registry });
    webhooks = worker;
    const auditRetention = new AuditRetention(db.background, config.audit.retentionDays, logger);
    const deniedRows = new AuditBatcher((events) => recordAuditOnly(services.db, events));
    const denials = new DenialAggregator((event) => deniedRows.record(event), config.audit.denialWindowMs, (error) =>
      logger.error({ err: error }, "could not record counted token denials"),
    );
    const yoga = stack.createGraphQL({
      schema,
      services,
      changes: feed,
      logger,
      onOperation: (operation) => {
        metrics.recordOperation(operation);
        logger.info({ graphql: { ...operation, durationMs: Math.round(operation.durationMs) } }, "graphql operation");
      },
    });
    const development = config.mode === "development" ? stack.createDevelopmentAccess() : undefined;
    handle = await stack.createRequestListener({ services, metrics, migrations, yoga, logger, denials, development });
    // The CLI finds the running server (and its secret) here, so `gatehouse token` needs no database.
    const unpublish =
      development && !config.dataDir.startsWith("memory://")
        ? await stack.publishDevelopmentServer(config.dataDir, { url, secret: development.secret })
        : async () => {};
    logger.info(
      { url, graphql: `${url}/graphql`, issuer: services.issuer(), database: db.kind, mode: config.mode },
      "Gatehouse is listening",
    );
    const stop = gracefulStop(server, feed, worker, auditRetention, denials, db, config.server.shutdownTimeoutMs, logger);
    auditRetention.start();
    return {
      url,
      port,
      db,
      services,
      changes: feed,
      webhooks: worker,
      auditRetention,
      development,
      stop: async () => Promise.all([unpublish(), stop()]).then(() => {}),
    };
  } catch (error) {
    await webhooks?.stop();
    await changes?.close();
    await db?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
}

function answerStarting(request: IncomingMessage, response: ServerResponse): void {
  const alive = request.url === "/healthz";
  response.writeHead(alive ? 200 : 503, { "content-type": "application/json", ...(alive ? {} : { "retry-after": "1" }) });
  response.end(JSON.stringify({ status: "starting" }));
}

/**
 * Node's server with every timeout that frees a connection from a slow or silent client. Node checks
 * the headers and request timeouts only every `connectionsCheckingInterval` (30 s by default), so
 * a slow-header client would be held that long: the check runs every second instead.
 */
function createHttpServer(options: ServerConfig, listener: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    listener,
  );
  // With no 'timeout' listener, Node destroys a socket idle for this long.
  server.setTimeout(options.idleTimeoutMs);
  return server;
}

/** The port cannot be bound; says why in words an operator acts on. */
export class ListenError extends OperatorError {}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port} (PORT, HOST)`;
      const reasons: Record<string, string> = {
        EADDRINUSE: `port ${port} on ${host} is in use by another process; stop it or set PORT to another port`,
        EACCES: `not permitted to listen on ${where}; ports below 1024 need privileges`,
        EADDRNOTAVAIL: `cannot listen on ${where}: this machine has no such address`,
      };
      const reason = error.code ? reasons[error.code] : undefined;
      reject(reason ? new ListenError(reason, { cause: error }) : error);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function gracefulStop(
  server: Server,
  changes: ChangeFeed,
  webhooks: WebhookWorker,
  auditRetention: AuditRetention,
  denials: DenialAggregator,
  db: Database,
  timeoutMs: number,
  logger: Logger,
): () => Promise<void> {
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
      // Subscriptions never finish by themselves: end their streams, so their responses complete.
      await changes.close();
      const deadline = setTimeout(() => {
        logger.warn({ timeoutMs }, "in-flight requests did not finish in time; closing their connections");
        server.closeAllConnections();
      }, timeoutMs);
      await closed;
      clearTimeout(deadline);
      // Attempts under way are aborted and their deliveries given back, due at once for any replica.
      await webhooks.stop();
      await auditRetention.stop();
      // No request is in flight any more: the window's counted denials are final.
      await denials.close();
      await db.close();
      logger.info("stopped");
    })();
    return stopping;
  };
}
