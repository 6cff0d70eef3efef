// The HTTP surface: GraphQL, health and (later) OAuth endpoints, routed by Hono.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { routePath } from "hono/route";
import type { AuthServices } from "../auth/services.js";
import { type Migration, migrationStatus } from "../db/migrate.js";
import { GRAPHQL_PATH, type GatehouseYoga } from "../graphql/yoga.js";
import type { Logger } from "../logger.js";
import { JWKS_PATH, TOKEN_PATH, authorizationServerMetadata, jwksResponse } from "./oauth/metadata.js";
import { brandingRoutes } from "./branding.js";
import { type Metrics, presentsToken } from "./metrics.js";
import { createTokenEndpoint } from "./oauth/token.js";

export interface AppDependencies {
  services: AuthServices;
  metrics: Metrics;
  migrations: Migration[];
  yoga: GatehouseYoga;
  logger: Logger;
}

export function createApp({ services, metrics, migrations, yoga, logger }: AppDependencies): Hono {
  const { db } = services;
  const app = new Hono();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // The matched route, not the path: ids in paths would make a label per request.
    metrics.httpRequests.observe(
      { route: routePath(c, -1), method: c.req.method, status: String(c.res.status) },
      (performance.now() - started) / 1000,
    );
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

  const { metricsToken } = services.config;
  if (metricsToken) {
    app.get("/metrics", async (c) => {
      if (!presentsToken(c.req.header("authorization"), metricsToken)) {
        return c.json({ error: "unauthorized" }, 401, { "www-authenticate": 'Bearer realm="metrics"' });
      }
      return c.text(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
    });
  }

  // OAuth: browsers call these directly (an SPA exchanging its sign-in token), so CORS is open;
  // no cookies are involved, so no credentials are allowed.
  app.use("/.well-known/*", cors());
  app.use("/oauth/*", cors({ origin: "*", allowMethods: ["GET", "POST"], maxAge: 600 }));
  for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
    app.get(path, (c) => c.json(authorizationServerMetadata(services)));
  }
  app.get(JWKS_PATH, () => jwksResponse(services));
  const tokenEndpoint = createTokenEndpoint(services, logger, metrics);
  app.post(TOKEN_PATH, (c) => tokenEndpoint(c.req.raw));
  app.on(["GET", "PUT", "PATCH", "DELETE"], TOKEN_PATH, (c) =>
    c.json({ error: "invalid_request", error_description: "use POST" }, 405, { allow: "POST" }),
  );

  brandingRoutes(app, services);

  app.notFound((c) => c.json({ error: "not_found", message: `No route for ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((error, c) => {
    logger.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
    return c.json({ error: "server_error", message: "Unexpected error." }, 500);
  });

  return app;
}
