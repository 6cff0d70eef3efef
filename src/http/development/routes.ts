// The development endpoints (development mode only, behind `developmentOnly`):
//   POST /dev/tokens  mints a development token, answered like /oauth/token.
// GraphiQL's token panel and `gatehouse token` (while the server runs) use it; pickers list users
// and organizations through GraphQL with a management token minted here, so nothing else is exposed.
import type { HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import type { AuthServices } from "../../auth/services.js";
import { mintDevelopmentToken } from "../../domain/tokens/development.js";
import { oauthErrorOf } from "../oauth/errors.js";
import { GatehouseError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { DEVELOPMENT_CLIENT, type DevelopmentAccess, developmentOnly } from "./access.js";


export function developmentRoutes(services: AuthServices, access: DevelopmentAccess, logger: Logger) {
  const routes = new Hono<{ Bindings: HttpBindings }>();
  routes.use(developmentOnly(access));
  routes.post("/tokens", async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) return c.json(oauthError("invalid_request", "the body must be a JSON object"), 400);
    try {
      const token = await mintDevelopmentToken(
        {
          prisma: services.db.prisma,
          tokens: services.tokens,
          managementResource: services.config.tokens.managementResource,
          clientId: DEVELOPMENT_CLIENT,
        },
        body,
      );
      logger.info({ kind: (body as { kind?: unknown }).kind, audience: token.audience }, "development token minted");
      return c.json({
        access_token: token.accessToken,
        token_type: "Bearer",
        expires_in: token.expiresIn,
        scope: token.scope.join(" "),
        audience: token.audience,
      });
    } catch (error) {
      const refusal = oauthErrorOf(error);
      if (refusal) return c.json(oauthError(refusal.code, refusal.description), refusal.status);
      if (error instanceof GatehouseError) {
        const code = error.field === "scopes" ? "invalid_scope" : "invalid_request";
        return c.json(oauthError(code, error.message), 400);
      }
      throw error;
    }
  });
  return routes;
}

const oauthError = (error: string, description: string) => ({ error, error_description: description });
