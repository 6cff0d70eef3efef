// POST /oauth/token: client credentials (RFC 6749 §4.4) and token exchange (RFC 8693), as named
// steps (node-oidc-provider's lib/actions/token.js):
//
//   parse → authenticate client → admit client → pick grant → check → issue → audit → respond
//
// Parse validates every parameter before use (params.ts); each grant type is a module of its own
// (grants/); the domain decides what the token grants and `auth/` signs it (services.tokens);
// errors become OAuth errors in one place (errors.ts). The admit step counts the authenticated
// client's requests against its rate limit (src/http/rate-limits.ts). Every grant and every denial is audited
// (repeated denials counted into one row per window: src/domain/audit-denials.ts).
//
// The endpoint reads plain values (TokenHttpRequest) and answers plain values (TokenHttpResponse),
// so that both of its transports serve it: Node's request listener directly for the common case
// (token-listener.ts: no WHATWG Request or Response per token) and the Hono route for the rest.
import type { AuthServices } from "../../auth/services.js";
import { type AuditOnlyEventInput, recordAuditOnly } from "../../domain/audit.js";
import { AuditBatcher } from "../../domain/audit-batch.js";
import type { DenialAggregator, DeniedEvent } from "../../domain/audit-denials.js";
import type { IssuedToken } from "../../domain/tokens/issue.js";
import type { Logger } from "../../logger.js";
import type { Metrics } from "../metrics.js";
import { authenticateClient } from "./client-auth.js";
import { OAuthError, oauthErrorOf } from "./errors.js";
import { type GrantType, grantTypes, pickGrant } from "./grants/index.js";
import { type TokenParams, parseTokenRequest } from "./params.js";

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/** What the audit step knows of a request, filled in as the steps pass. */
interface Attempt {
  actor: string;
  params: TokenParams;
}

/** What the token endpoint reads of an HTTP request. */
export interface TokenHttpRequest {
  /** The TCP peer's address (what the per-address rate limits count). */
  address: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** What it answers: a JSON body with its status and headers. */
export interface TokenHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type TokenEndpoint = (request: TokenHttpRequest) => Promise<TokenHttpResponse>;

/** The admit-client step: counts a request of the authenticated client, or throws `slow_down`. */
export type AdmitClient = (clientId: string) => Promise<void>;

export function createTokenEndpoint(
  services: AuthServices,
  logger: Logger,
  metrics: Metrics,
  denials: DenialAggregator,
  admitClient: AdmitClient,
): TokenEndpoint {
  // Token audit rows go in group commits; each response waits for its own row. Two INSERTs in
  // flight on PostgreSQL, the second for at least 3 rows; one on PGlite (why: src/domain/audit-batch.ts).
  const audit = new AuditBatcher(
    (events) => recordAuditOnly(services.db, events),
    services.db.kind === "postgres" ? { maxInFlight: 2, minBatchWhileBusy: 3 } : { maxInFlight: 1 },
  );
  return async (request: TokenHttpRequest): Promise<TokenHttpResponse> => {
    const attempt: Attempt = { actor: "anonymous", params: new Map() };
    try {
      attempt.params = parseTokenRequest(request.contentType, request.body);
      const client = await authenticateClient(services.facts, request.authorization, attempt.params);
      if (client) {
        attempt.actor = `application:${client.id}`;
        await admitClient(client.id);
      }
      const grant = pickGrant(attempt.params);
      const checked = await grant.check({ services, params: attempt.params, client });
      attempt.actor = checked.actor;
      const token = await services.tokens.issue(checked.request);
      await audit.record(issuedEvent(attempt, grant, token, checked.request.clientId));
      metrics.tokens.inc({ grant_type: grant.type, outcome: "issued" });
      return respond(grant, token);
    } catch (caught) {
      const error = oauthErrorOf(caught) ?? unexpected(caught, logger);
      await denials.record(deniedEvent(attempt, error), { clientId: claimedClient(attempt), address: request.address }).catch((auditError: unknown) =>
        logger.error({ err: auditError }, "could not record a token denial"),
      );
      metrics.tokens.inc({ grant_type: knownGrantType(attempt.params.get("grant_type")), outcome: error.code });
      return failure(error);
    }
  };
}

function issuedEvent(attempt: Attempt, grant: GrantType, token: IssuedToken, clientId: string): AuditOnlyEventInput {
  const organizationId = attempt.params.get("organization_id");
  return {
    actor: attempt.actor,
    action: "token.issued",
    ...(organizationId !== undefined ? { organizationId } : {}),
    data: { grantType: grant.type, audience: token.audience, scope: token.scope, clientId },
  };
}

function deniedEvent(attempt: Attempt, error: OAuthError): DeniedEvent {
  const organizationId = attempt.params.get("organization_id");
  return {
    actor: attempt.actor,
    action: "token.denied",
    ...(organizationId !== undefined ? { organizationId } : {}),
    data: { grantType: attempt.params.get("grant_type") ?? null, error: error.code, description: error.description },
  };
}

/** The client a refused request named: its form's client_id, or the application it authenticated as. */
function claimedClient(attempt: Attempt): string | null {
  return attempt.params.get("client_id") ?? (attempt.actor.startsWith("application:") ? attempt.actor.slice("application:".length) : null);
}

/** A label value from a fixed set: clients choose grant_type, and labels must stay few. */
function knownGrantType(grantType: string | undefined): string {
  return grantTypes.some((grant) => grant.type === grantType) ? grantType! : "other";
}

function respond(grant: GrantType, token: IssuedToken): TokenHttpResponse {
  return json(200, NO_STORE, {
    access_token: token.accessToken,
    token_type: "Bearer",
    expires_in: token.expiresIn,
    scope: token.scope.join(" "),
    ...(grant.issuedTokenType ? { issued_token_type: grant.issuedTokenType } : {}),
  });
}

function failure(error: OAuthError): TokenHttpResponse {
  return json(
    error.status,
    {
      ...NO_STORE,
      ...(error.code === "invalid_client" ? { "www-authenticate": 'Basic realm="gatehouse", charset="UTF-8"' } : {}),
      ...(error.retryAfterSeconds !== undefined ? { "retry-after": String(error.retryAfterSeconds) } : {}),
    },
    { error: error.code, error_description: error.description },
  );
}

/** A JSON answer, with the Content-Type `Response.json` gives. */
export function json(status: number, headers: Record<string, string>, body: unknown): TokenHttpResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** The answer as a WHATWG Response (the Hono route). */
export function toResponse(answer: TokenHttpResponse): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

function unexpected(error: unknown, logger: Logger): OAuthError {
  logger.error({ err: error }, "token endpoint failed");
  return new OAuthError("server_error", "unexpected error");
}
