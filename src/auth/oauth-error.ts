// OAuth 2.0 errors (RFC 6749 §5.2, RFC 8693, RFC 8707): each refusal of the token endpoint is one
// of these, with a description a developer can act on.

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "access_denied"
  | "server_error";

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = "OAuthError";
  }

  /** 401 for client authentication failures (with WWW-Authenticate), 500 for ours, else 400. */
  get status(): 400 | 401 | 500 {
    if (this.code === "invalid_client") return 401;
    return this.code === "server_error" ? 500 : 400;
  }
}
