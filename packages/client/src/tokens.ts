// Organization tokens for a product's frontend. The user signed in at the identity provider; the
// frontend exchanges that sign-in token at Gatehouse (RFC 8693 token exchange) for a token per
// organization — and per API resource for organization-level API tokens — and sends it to the
// product's APIs. This class keeps one cache entry per (organization, resource, scope), renews an
// entry shortly before it expires, and lets concurrent callers share one request.

export const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

export interface GatehouseTokensOptions {
  /** Gatehouse's public URL (its issuer), e.g. `https://gatehouse.example.com`. */
  url: string;
  /**
   * The signed-in user's access token from the identity provider Gatehouse trusts (or a Gatehouse
   * identity token). Called for every exchange, so it may renew the sign-in itself.
   */
  subjectToken?: () => string | Promise<string>;
  /**
   * Instead of `subjectToken`: asks for a token somewhere other than the token exchange (Gatehouse's
   * development token path, say) and returns that endpoint's response, which reads like the token
   * endpoint's (`access_token`, `expires_in`, `scope`, or `error`). Caching, renewal and sharing
   * are the same.
   */
  requestToken?: (request: TokenRequest) => Promise<Response>;
  /** Sent as `client_id` when the frontend is registered as a client; optional. */
  clientId?: string;
  /** Renew a token this long before it expires (at most half its lifetime). Default 60 s. */
  renewBeforeSeconds?: number;
  /** The fetch to call the token endpoint with. Default: the global fetch. */
  fetch?: typeof fetch;
  /** The clock, in milliseconds since the epoch. Default: Date.now. */
  now?: () => number;
}

/** What a token is for. No organization and a resource: a global API token. */
export interface TokenRequest {
  organizationId?: string;
  /** An API resource indicator (RFC 8707), for an organization-level API token. */
  resource?: string;
  /** The scopes to ask for; by default everything the user's roles grant. */
  scope?: string | readonly string[];
}

export interface IssuedToken {
  accessToken: string;
  tokenType: string;
  /** When it expires, in milliseconds since the epoch. */
  expiresAt: number;
  /** The scopes granted (the token endpoint drops what the roles do not grant). */
  scopes: string[];
}

/** A refusal from the token endpoint: `error` is the OAuth error code (`access_denied`, …). */
export class GatehouseTokenError extends Error {
  constructor(
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly status: number,
  ) {
    super(errorDescription ? `${error}: ${errorDescription}` : error);
    this.name = "GatehouseTokenError";
  }
}

interface Entry {
  token?: IssuedToken;
  /** Renewal after this instant (ms). */
  renewAt?: number;
  pending?: Promise<IssuedToken>;
}

export class GatehouseTokens {
  readonly #options: Required<Pick<GatehouseTokensOptions, "renewBeforeSeconds" | "now">> & GatehouseTokensOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #tokenEndpoint: string;

  constructor(options: GatehouseTokensOptions) {
    if (!options.subjectToken === !options.requestToken) throw new TypeError("GatehouseTokens needs exactly one of subjectToken and requestToken");
    this.#options = { renewBeforeSeconds: 60, now: Date.now, ...options };
    this.#tokenEndpoint = `${options.url.replace(/\/+$/, "")}/oauth/token`;
  }

  /** The token for `request`: cached while fresh, otherwise exchanged (once for concurrent callers). */
  async token(request: TokenRequest = {}): Promise<IssuedToken> {
    const key = keyOf(request);
    const entry = this.#entries.get(key) ?? {};
    this.#entries.set(key, entry);
    if (entry.token && entry.renewAt !== undefined && this.#options.now() < entry.renewAt) return entry.token;
    if (entry.pending) return entry.pending;

    const pending = this.#exchange(request).then(
      (token) => {
        // An invalidate() while the request was in flight replaced the entry: do not resurrect it.
        if (this.#entries.get(key) === entry) {
          const lifetime = token.expiresAt - this.#options.now();
          entry.token = token;
          entry.renewAt = token.expiresAt - Math.min(this.#options.renewBeforeSeconds * 1000, lifetime / 2);
          entry.pending = undefined;
        }
        return token;
      },
      (error: unknown) => {
        if (this.#entries.get(key) === entry) entry.pending = undefined;
        throw error;
      },
    );
    entry.pending = pending;
    return pending;
  }

  /** The organization token's string, for `Authorization: Bearer …`. */
  async organizationToken(organizationId: string, options: Omit<TokenRequest, "organizationId"> = {}): Promise<string> {
    return (await this.token({ ...options, organizationId })).accessToken;
  }

  /** The cached token for `request` if it is still fresh; never calls Gatehouse. */
  peek(request: TokenRequest = {}): IssuedToken | undefined {
    const entry = this.#entries.get(keyOf(request));
    if (!entry?.token || entry.renewAt === undefined || this.#options.now() >= entry.renewAt) return undefined;
    return entry.token;
  }

  /**
   * Forgets the token for `request` (after the API refused it, say), or every token (sign-out, or a
   * new sign-in). The next call exchanges again.
   */
  invalidate(request?: TokenRequest): void {
    if (request) this.#entries.delete(keyOf(request));
    else this.#entries.clear();
  }

  async #exchange(request: TokenRequest): Promise<IssuedToken> {
    const started = this.#options.now();
    const response = this.#options.requestToken ? await this.#options.requestToken(request) : await this.#tokenExchange(request);
    return readTokenResponse(response, started);
  }

  async #tokenExchange(request: TokenRequest): Promise<Response> {
    const body = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      subject_token: await this.#options.subjectToken!(),
      subject_token_type: ACCESS_TOKEN_TYPE,
    });
    if (request.organizationId !== undefined) body.set("organization_id", request.organizationId);
    if (request.resource !== undefined) body.set("resource", request.resource);
    const scope = scopeText(request.scope);
    if (scope) body.set("scope", scope);
    if (this.#options.clientId) body.set("client_id", this.#options.clientId);

    return (this.#options.fetch ?? fetch)(this.#tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
    });
  }
}

/** A token endpoint's answer as an IssuedToken (its lifetime counted from `started`), or its refusal thrown. */
async function readTokenResponse(response: Response, started: number): Promise<IssuedToken> {
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof json.access_token !== "string") {
    const error = typeof json.error === "string" ? json.error : "invalid_response";
    const description = typeof json.error_description === "string" ? json.error_description : undefined;
    throw new GatehouseTokenError(error, description ?? (response.ok ? "no access_token in the response" : undefined), response.status);
  }
  const expiresIn = typeof json.expires_in === "number" ? json.expires_in : 0;
  return {
    accessToken: json.access_token,
    tokenType: typeof json.token_type === "string" ? json.token_type : "Bearer",
    // From when the request was sent: the token cannot live longer than that.
    expiresAt: started + expiresIn * 1000,
    scopes: typeof json.scope === "string" ? json.scope.split(" ").filter(Boolean) : [],
  };
}

function scopeText(scope: TokenRequest["scope"]): string {
  if (scope === undefined) return "";
  return (typeof scope === "string" ? scope.split(" ") : [...scope]).filter(Boolean).sort().join(" ");
}

function keyOf(request: TokenRequest): string {
  return JSON.stringify([request.organizationId ?? null, request.resource ?? null, scopeText(request.scope)]);
}
