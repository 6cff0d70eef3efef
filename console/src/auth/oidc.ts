// Production sign-in: OpenID Connect authorization code with PKCE at the configured identity
// provider (oauth4webapi: a small, audited client that does the protocol checks — state, issuer,
// ID token — that hand-written code tends to skip), then RFC 8693 token exchange at Gatehouse
// with resource = the management resource. The user's global roles decide the scopes; none
// means "no access". The identity provider's tokens stay in memory; only the PKCE transaction
// waits in sessionStorage across the redirect.
import * as oauth from "oauth4webapi";
import { config, type OidcConfig } from "../config.ts";
import { type ManagementToken, NoAccessError, type SignInMethod, tokenFromResponse } from "./session.ts";

const TRANSACTION_KEY = "gatehouse-console-signin";
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

interface Transaction {
  state: string;
  verifier: string;
  returnTo: string;
}

function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

export function oidcSignIn(oidc: OidcConfig): SignInMethod {
  const issuer = new URL(oidc.issuer);
  // Plain http is accepted only for an identity provider on this machine (development, tests).
  const requestOptions = { [oauth.allowInsecureRequests]: issuer.protocol === "http:" && isLoopback(issuer) };
  const client: oauth.Client = { client_id: oidc.clientId };
  const redirectUri = new URL(`${config.basePath}/callback`, window.location.origin).toString();
  const resourceParameters: Record<string, string> = oidc.resource ? { resource: oidc.resource } : {};
  let server: Promise<oauth.AuthorizationServer> | undefined;
  let identity: { refreshToken?: string; idToken?: string } = {};

  const authorizationServer = () => {
    server ??= oauth
      .discoveryRequest(issuer, { ...requestOptions, algorithm: "oidc" })
      .then((response) => oauth.processDiscoveryResponse(issuer, response))
      .catch((error: unknown) => {
        server = undefined;
        throw error;
      });
    return server;
  };

  async function redirectToSignIn(): Promise<never> {
    const as = await authorizationServer();
    if (!as.authorization_endpoint) throw new Error("The identity provider has no authorization endpoint.");
    const transaction: Transaction = {
      state: oauth.generateRandomState(),
      verifier: oauth.generateRandomCodeVerifier(),
      returnTo: window.location.pathname === new URL(redirectUri).pathname ? `${config.basePath}/` : window.location.pathname + window.location.search,
    };
    sessionStorage.setItem(TRANSACTION_KEY, JSON.stringify(transaction));
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: oidc.clientId,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: oidc.scope,
      state: transaction.state,
      code_challenge: await oauth.calculatePKCECodeChallenge(transaction.verifier),
      code_challenge_method: "S256",
      ...resourceParameters,
    }).toString();
    window.location.assign(url);
    // The page is leaving; nothing more happens here.
    return new Promise<never>(() => {});
  }

  /** Finishes the redirect back from the identity provider; its access token, or undefined. */
  async function completeCallback(): Promise<string | undefined> {
    const current = new URL(window.location.href);
    if (current.pathname !== new URL(redirectUri).pathname) return undefined;
    const saved = sessionStorage.getItem(TRANSACTION_KEY);
    sessionStorage.removeItem(TRANSACTION_KEY);
    if (!saved) return undefined;
    const transaction = JSON.parse(saved) as Transaction;
    const as = await authorizationServer();
    const parameters = oauth.validateAuthResponse(as, client, current, transaction.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), parameters, redirectUri, transaction.verifier, {
      ...requestOptions,
      additionalParameters: resourceParameters,
    });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { requireIdToken: oidc.scope.split(" ").includes("openid") });
    identity = { ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}), ...(tokens.id_token ? { idToken: tokens.id_token } : {}) };
    window.history.replaceState(null, "", transaction.returnTo.startsWith(config.basePath) ? transaction.returnTo : `${config.basePath}/`);
    return tokens.access_token;
  }

  async function refreshIdentity(): Promise<string | undefined> {
    if (!identity.refreshToken) return undefined;
    const as = await authorizationServer();
    try {
      const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), identity.refreshToken, { ...requestOptions, additionalParameters: resourceParameters });
      const tokens = await oauth.processRefreshTokenResponse(as, client, response);
      if (tokens.refresh_token) identity.refreshToken = tokens.refresh_token;
      return tokens.access_token;
    } catch {
      delete identity.refreshToken;
      return undefined;
    }
  }

  async function exchange(subjectToken: string): Promise<ManagementToken> {
    const response = await fetch(new URL(config.tokenPath, window.location.origin), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE,
        subject_token: subjectToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
        resource: config.managementResource,
      }),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; scope?: string; error?: string; error_description?: string };
    if (!response.ok) {
      if (body.error === "invalid_grant" || body.error === "access_denied") {
        throw new NoAccessError(`Gatehouse does not know your account (${body.error_description ?? body.error}).`);
      }
      throw new Error(`Gatehouse refused the sign-in: ${body.error_description ?? body.error ?? response.status}.`);
    }
    const token = tokenFromResponse(body);
    if (token.scopes.length === 0) throw new NoAccessError("Your account holds no Gatehouse management permissions.");
    return token;
  }

  let firstCall = true;
  return {
    async obtain() {
      const fromCallback = firstCall ? await completeCallback() : undefined;
      firstCall = false;
      const subjectToken = fromCallback ?? (await refreshIdentity());
      if (!subjectToken) return redirectToSignIn();
      return exchange(subjectToken);
    },
    async signOut() {
      const idToken = identity.idToken;
      identity = {};
      const as = await authorizationServer().catch(() => undefined);
      if (as?.end_session_endpoint) {
        const url = new URL(as.end_session_endpoint);
        url.search = new URLSearchParams({ client_id: oidc.clientId, ...(idToken ? { id_token_hint: idToken } : {}) }).toString();
        window.location.assign(url);
      }
    },
  };
}
