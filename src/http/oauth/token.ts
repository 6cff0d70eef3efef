// POST /oauth/token: client credentials (RFC 6749 §4.4) and token exchange (RFC 8693).
// Each step is a small function; every refusal is an OAuthError with an RFC error code.
import type { AuthServices } from "../../auth/services.js";
import { OAuthError } from "../../auth/oauth-error.js";
import { TokenVerificationError } from "../../auth/verify.js";
import { recordAudit } from "../../domain/audit.js";
import type { IssuedToken, TokenRequest } from "../../domain/tokens/issue.js";
import { IDENTITY_AUDIENCE, userForIdentity } from "../../domain/users.js";
import type { Application } from "../../generated/prisma/client.js";
import type { Logger } from "../../logger.js";
import type { Metrics } from "../metrics.js";
import { authenticateClient } from "./client-auth.js";
import { type TokenParams, parseTokenRequest, requestedResource, requestedScopes, required } from "./params.js";

export const CLIENT_CREDENTIALS = "client_credentials";
export const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

interface Grant {
  request: TokenRequest;
  /** Who asked, for the audit trail. */
  actor: string;
}

export function createTokenEndpoint(services: AuthServices, logger: Logger, metrics: Metrics) {
  return async (request: Request): Promise<Response> => {
    let actor = "anonymous";
    let params: TokenParams = new Map();
    try {
      params = await parseTokenRequest(request);
      const client = await authenticateClient(services.db.prisma, request, params);
      if (client) actor = `application:${client.id}`;
      const grant = await grantFor(services, params, client);
      actor = grant.actor;
      const token = await services.tokens.issue(grant.request);
      await recordAudit(services.db.prisma, {
        actor,
        action: "token.issued",
        ...(grant.request.organizationId ? { organizationId: grant.request.organizationId } : {}),
        data: { grantType: params.get("grant_type")!, audience: token.audience, scope: token.scope, clientId: grant.request.clientId },
      });
      metrics.tokens.inc({ grant_type: params.get("grant_type")!, outcome: "issued" });
      return success(token, params.get("grant_type") === TOKEN_EXCHANGE);
    } catch (caught) {
      const error = caught instanceof OAuthError ? caught : unexpected(caught, logger);
      await recordAudit(services.db.prisma, {
        actor,
        action: "token.denied",
        ...(params.get("organization_id") ? { organizationId: params.get("organization_id")! } : {}),
        data: { grantType: params.get("grant_type") ?? null, error: error.code, description: error.description },
      }).catch((auditError: unknown) => logger.error({ err: auditError }, "could not record a token denial"));
      metrics.tokens.inc({ grant_type: knownGrantType(params.get("grant_type")), outcome: error.code });
      return failure(error);
    }
  };
}

async function grantFor(services: AuthServices, params: TokenParams, client: Application | undefined): Promise<Grant> {
  const grantType = required(params, "grant_type");
  if (grantType === CLIENT_CREDENTIALS) return clientCredentialsGrant(params, client);
  if (grantType === TOKEN_EXCHANGE) return tokenExchangeGrant(services, params, client);
  throw new OAuthError("unsupported_grant_type", `grant_type ${grantType} is not supported`);
}

function targetOf(params: TokenParams): Pick<TokenRequest, "organizationId" | "resource" | "scope"> {
  const organizationId = params.get("organization_id");
  const resource = requestedResource(params);
  const scope = requestedScopes(params);
  return {
    ...(organizationId !== undefined ? { organizationId } : {}),
    ...(resource !== undefined ? { resource } : {}),
    ...(scope !== undefined ? { scope } : {}),
  };
}

function clientCredentialsGrant(params: TokenParams, client: Application | undefined): Grant {
  if (!client) throw new OAuthError("invalid_client", "client authentication is required");
  return {
    actor: `application:${client.id}`,
    request: { subject: { type: "application", id: client.id }, clientId: client.id, ...targetOf(params) },
  };
}

async function tokenExchangeGrant(
  services: AuthServices,
  params: TokenParams,
  client: Application | undefined,
): Promise<Grant> {
  const subjectToken = required(params, "subject_token");
  const subjectTokenType = required(params, "subject_token_type");
  if (subjectTokenType !== ACCESS_TOKEN_TYPE && subjectTokenType !== JWT_TYPE) {
    throw new OAuthError("invalid_request", "subject_token_type must be an access_token or a jwt");
  }
  const requestedType = params.get("requested_token_type");
  if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError("invalid_request", "requested_token_type must be urn:ietf:params:oauth:token-type:access_token");
  }
  if (params.has("actor_token")) throw new OAuthError("invalid_request", "delegation (actor_token) is not supported");
  if (params.has("audience")) throw new OAuthError("invalid_request", "audience is not supported: use resource");
  const target = targetOf(params);

  const identity = await verifySubjectToken(services, subjectToken);
  return {
    actor: `user:${identity.userId}`,
    request: {
      subject: { type: "user", id: identity.userId },
      clientId: client?.id ?? identity.clientId,
      ...(identity.amr ? { amr: identity.amr } : {}),
      ...target,
    },
  };
}

/** The user a subject token identifies: Gatehouse identity tokens, or a trusted issuer's. */
async function verifySubjectToken(services: AuthServices, token: string) {
  let verified;
  try {
    verified = await services.verifier.verify(token);
  } catch (error) {
    if (error instanceof TokenVerificationError) {
      throw new OAuthError("invalid_grant", `subject_token is invalid: ${error.reason}`);
    }
    throw error;
  }
  const { claims } = verified;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((value) => typeof value === "string") : undefined;
  const clientId = claims.client_id ?? claims.azp;
  if (verified.source === "gatehouse") {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(IDENTITY_AUDIENCE)) {
      throw new OAuthError("invalid_grant", "subject_token is not an identity token");
    }
    const user = await services.db.prisma.user.findUnique({ where: { id: claims.sub }, select: { id: true } });
    if (!user) throw new OAuthError("invalid_grant", "subject_token names an unknown user");
    return { userId: user.id, clientId: clientId ?? services.issuer(), amr };
  }
  const user = await userForIdentity(services.db.prisma, {
    issuer: verified.issuer,
    subject: claims.sub,
    claims: {
      ...(claims.email !== undefined ? { email: claims.email } : {}),
      ...(claims.email_verified !== undefined ? { email_verified: claims.email_verified } : {}),
      ...(claims.name !== undefined ? { name: claims.name } : {}),
      ...(claims.picture !== undefined ? { picture: claims.picture } : {}),
    },
  });
  if (!user) throw new OAuthError("invalid_grant", "no Gatehouse user is linked to this identity");
  return { userId: user.id, clientId: clientId ?? verified.issuer.issuer, amr };
}

/** A label value from a fixed set: clients choose grant_type, and labels must stay few. */
function knownGrantType(grantType: string | undefined): string {
  return grantType === CLIENT_CREDENTIALS || grantType === TOKEN_EXCHANGE ? grantType : "other";
}

function success(token: IssuedToken, exchanged: boolean): Response {
  return Response.json(
    {
      access_token: token.accessToken,
      token_type: "Bearer",
      expires_in: token.expiresIn,
      scope: token.scope.join(" "),
      ...(exchanged ? { issued_token_type: ACCESS_TOKEN_TYPE } : {}),
    },
    { headers: NO_STORE },
  );
}

function failure(error: OAuthError): Response {
  return Response.json(
    { error: error.code, error_description: error.description },
    {
      status: error.status,
      headers: {
        ...NO_STORE,
        ...(error.code === "invalid_client" ? { "www-authenticate": 'Basic realm="gatehouse", charset="UTF-8"' } : {}),
      },
    },
  );
}

function unexpected(error: unknown, logger: Logger): OAuthError {
  logger.error({ err: error }, "token endpoint failed");
  return new OAuthError("server_error", "unexpected error");
}
