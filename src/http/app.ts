// The HTTP surface: GraphQL, health and (later) OAuth endpoints, routed by Hono.
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { Database } from "../db/index.js";
import { type Migration, migrationStatus } from "../db/migrate.js";
import { GRAPHQL_PATH, type GatehouseYoga } from "../graphql/yoga.js";
import type { Logger } from "../logger.js";

export interface AppDependencies {
  db: Database;
  migrations: Migration[];
  yoga: GatehouseYoga;
  logger: Logger;
}

export function createApp({ db, migrations, yoga, logger }: AppDependencies): Hono {
  const app = new Hono();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });

  // Liveness: the process is up and serving HTTP. Never touches the database.
  app.get("/healthz", (c) => c.json({ status: "ok" }));

  // Readiness: the database answers and every migration of this build is applied.
  app.get("/readyz", async (c) => {
    try {
      const { pending } = await migrationStatus(db.pool, migrations);
      if (pending.length > 0) return c.json({ status: "migrations pending", pending }, 503);
      return c.json({ status: "ready" });
    } catch (error) {
      logger.warn({ err: error }, "readiness check failed");
      return c.json({ status: "database unavailable" }, 503);
    }
  });

  app.on(["GET", "POST", "OPTIONS"], GRAPHQL_PATH, (c) => yoga.fetch(c.req.raw, {}));

  app.notFound((c) => c.json({ error: "not_found", message: `No route for ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((error, c) => {
    logger.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
    return c.json({ error: "server_error", message: "Unexpected error." }, 500);
  });

  return app;
}
