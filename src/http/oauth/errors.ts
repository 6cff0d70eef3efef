// OAuth 2.0 errors (RFC 6749 §5.2, RFC 8693, RFC 8707): each refusal of the token endpoint is one
// of these, with a description a developer can act on. `oauthErrorOf` is the one place where
// errors of the lower layers become OAuth errors.
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "../../db/errors.js";
import { TokenRefusal, type TokenRefusalReason } from "../../domain/tokens/refusal.js";

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "access_denied"
  | "slow_down"
  | "server_error"
  | "temporarily_unavailable";

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    /** `slow_down` and `temporarily_unavailable`: when to ask again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${code}: ${description}`);
    this.name = "OAuthError";
  }

  /**
   * 401 for client authentication failures (with WWW-Authenticate), 429 for a client over its rate
   * (RFC 8628's `slow_down`), 503 while the database is unavailable, 500 for ours, else 400.
   */
  get status(): 400 | 401 | 429 | 500 | 503 {
    if (this.code === "invalid_client") return 401;
    if (this.code === "slow_down") return 429;
    if (this.code === "temporarily_unavailable") return 503;
    return this.code === "server_error" ? 500 : 400;
  }
}

/** The OAuth error code of each rule by which the domain refuses a token. */
const refusalCodes: Record<TokenRefusalReason, OAuthErrorCode> = {
  target_required: "invalid_request",
  unknown_resource: "invalid_target",
  not_a_member: "access_denied",
  mfa_not_enrolled: "access_denied",
  mfa_not_in_session: "access_denied",
};

/**
 * The OAuth error a failed token request step answers with, or undefined for an error nobody
 * expected (the caller logs it and answers `server_error`).
 */
export function oauthErrorOf(error: unknown): OAuthError | undefined {
  if (error instanceof OAuthError) return error;
  if (error instanceof TokenRefusal) return new OAuthError(refusalCodes[error.reason], error.description);
  // RFC 6749 names `temporarily_unavailable` for the authorization endpoint; token clients read it alike.
  if (isDatabaseUnavailable(error)) {
    return new OAuthError(
      "temporarily_unavailable",
      `the database is unavailable; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds`,
      DATABASE_RETRY_AFTER_SECONDS,
    );
  }
  return undefined;
}
