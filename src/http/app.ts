// The HTTP surface: GraphQL, health and OAuth endpoints, routed by Hono, with the token endpoint's
// common case served ahead of Hono (src/http/oauth/token-listener.ts).
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { except } from "hono/combine";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { routePath } from "hono/route";
import type { AuthServices } from "../auth/services.js";
import type { DenialAggregator } from "../domain/audit-denials.js";
import { type Migration, migrationStatus } from "../db/migrate.js";
import { GRAPHIQL_ASSETS_PATH, graphiqlAsset } from "../graphql/graphiql.js";
import { GRAPHQL_PATH, type GatehouseYoga } from "../graphql/yoga.js";
import type { Logger } from "../logger.js";
import { JWKS_PATH, TOKEN_PATH, authorizationServerMetadata, jwksResponse } from "./oauth/metadata.js";
import { brandingRoutes } from "./branding.js";
import { mountConsole } from "./console.js";
import { type Metrics, presentsToken } from "./metrics.js";
import { type TokenEndpoint, createTokenEndpoint, toResponse } from "./oauth/token.js";
import { tokenListener } from "./oauth/token-listener.js";
import { TokenRateLimits } from "./rate-limits.js";
import { securityHeaderValues, securityHeaders } from "./security-headers.js";
import { DEVELOPMENT_PATH, DEVELOPMENT_SECRET_HEADER, type DevelopmentAccess, developmentSecretForPage } from "./development/access.js";
import { developmentRoutes } from "./development/routes.js";

export interface AppDependencies {
  services: AuthServices;
  metrics: Metrics;
  migrations: Migration[];
  yoga: GatehouseYoga;
  logger: Logger;
  /** Refused token requests, counted (the server writes the last window's counts when it stops). */
  denials: DenialAggregator;
  /** Development mode only: opens the development endpoints (`/dev/…`) to local callers holding its secret. */
  development?: DevelopmentAccess;
}

/** The OAuth routes' CORS: any origin, never credentials (below). */
const OAUTH_CORS = { origin: "*", allowMethods: ["GET", "POST"], maxAge: 600 };

/**
 * Node's request listener for the whole surface: the token endpoint's common case first (no
 * WHATWG Request per token), then the Hono app. Both serve the one token endpoint.
 */
export async function createRequestListener(dependencies: AppDependencies): Promise<RequestListener> {
  const { services, metrics, logger, denials } = dependencies;
  const limits = new TokenRateLimits(services.config.tokenRateLimits);
  const endpoint = createTokenEndpoint(services, logger, metrics, denials, limits.admitClient);
  const tokens: TokenEndpoint = (request) => limits.around(request, endpoint);
  const app = createApp(dependencies, tokens);
  const hono = getRequestListener(app.fetch);
  const fast = tokenListener({
    endpoint: tokens,
    maxBodyBytes: services.config.server.maxBodyBytes,
    // What `securityHeaders()` and the OAuth routes' `cors()` add to each answer.
    headers: [...(await securityHeaderValues()), ["access-control-allow-origin", OAUTH_CORS.origin]],
    metrics,
    logger,
  });
  return (request: IncomingMessage, response: ServerResponse) => {
    if (!fast(request, response)) void hono(request, response);
  };
}

export function createApp({ services, metrics, migrations, yoga, logger, development }: AppDependencies, tokens: TokenEndpoint): Hono {
  const { db } = services;
  const app = new Hono();

  app.use(requestId());
  app.use(securityHeaders());
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

  const { maxBodyBytes } = services.config.server;
  // Branding uploads are images with a limit of their own (GATEHOUSE_BRANDING_MAX_BYTES).
  app.use(except("/branding/*", bodyLimit({ maxSize: maxBodyBytes, onError: (c) => payloadTooLarge(c, maxBodyBytes) })));

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

  // Cross-origin scripts only from the configured origins (none by default), never with
  // credentials: Gatehouse reads bearer tokens, and a cookie would make every origin's call
  // count as the user's. Preflights end here.
  const { corsOrigins } = services.config.graphql;
  app.use(GRAPHQL_PATH, cors({ origin: corsOrigins, allowMethods: ["GET", "POST"], credentials: false, maxAge: 600 }));
  app.on(["GET", "POST"], GRAPHQL_PATH, (c) => {
    // GraphiQL's Tokens panel, on a page requested over loopback in development (see developmentSecretForPage).
    const secret = development && developmentSecretForPage(development, c as Context);
    const tokenPanel = secret ? { endpoint: `${DEVELOPMENT_PATH}/tokens`, secretHeader: DEVELOPMENT_SECRET_HEADER, secret } : undefined;
    return yoga.fetch(c.req.raw, tokenPanel ? { tokenPanel } : {});
  });
  if (services.config.mode !== "production") {
    app.get(`${GRAPHIQL_ASSETS_PATH}/*`, async (c) => (await graphiqlAsset(c.req.path)) ?? c.notFound());
  }

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
  app.use("/oauth/*", cors(OAUTH_CORS));
  for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
    app.get(path, (c) => c.json(authorizationServerMetadata(services)));
  }
  app.get(JWKS_PATH, () => jwksResponse(services));
  // What the token listener leaves to Hono (bodies without a Content-Length, or over the limit).
  app.post(TOKEN_PATH, async (c) => {
    const request = c.req.raw;
    return toResponse(
      await tokens({
        address: getConnInfo(c).remote.address ?? "unknown",
        contentType: request.headers.get("content-type") ?? undefined,
        authorization: request.headers.get("authorization") ?? undefined,
        body: await request.text(),
      }),
    );
  });
  app.on(["GET", "PUT", "PATCH", "DELETE"], TOKEN_PATH, (c) =>
    c.json({ error: "invalid_request", error_description: "use POST" }, 405, { allow: "POST" }),
  );

  brandingRoutes(app, services);
  if (development) app.route(DEVELOPMENT_PATH, developmentRoutes(services, development, logger));
  const { console: consoleConfig } = services.config;
  if (consoleConfig.enabled) {
    mountConsole(app, {
      path: consoleConfig.path,
      page: {
        graphqlPath: GRAPHQL_PATH,
        tokenPath: TOKEN_PATH,
        managementResource: services.config.tokens.managementResource,
        mode: services.config.mode,
        oidc: consoleConfig.signIn ?? null,
      },
      // Development sign-in: the page gets the development token path's secret (loopback only).
      ...(development ? { devSecret: (c: Context) => developmentSecretForPage(development, c) } : {}),
    });
  }

  app.notFound((c) => c.json({ error: "not_found", message: `No route for ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((error, c) => {
    logger.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
    return c.json({ error: "server_error", message: "Unexpected error." }, 500);
  });

  return app;
}

/**
 * 413 in the shape each endpoint's clients read: a GraphQL error, an OAuth error, or Gatehouse's
 * plain JSON. The unread rest of the body is @hono/node-server's to drop: it discards up to 500 ms
 * or 64 MB of it, then closes the connection (closing at once would reset the connection under a
 * client still sending, and it could lose the 413 itself).
 */
function payloadTooLarge(c: Context, maxBodyBytes: number): Response {
  const message = `The request body is larger than ${maxBodyBytes} bytes.`;
  if (c.req.path === GRAPHQL_PATH) {
    return c.json({ errors: [{ message, extensions: { code: "PAYLOAD_TOO_LARGE", details: { limitBytes: maxBodyBytes } } }] }, 413);
  }
  if (c.req.path === TOKEN_PATH) {
    return c.json({ error: "invalid_request", error_description: message }, 413);
  }
  return c.json({ error: "payload_too_large", message }, 413);
}
