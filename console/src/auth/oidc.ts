// Production sign-in: OpenID Connect authorization code with PKCE at the configured identity
// provider (oauth4webapi: a small, audited client that does the protocol checks — state, issuer,
// ID token — that hand-written code tends to skip), then RFC 8693 token exchange at Gatehouse
// with resource = the management resource (done by @gatehouse/client's GatehouseTokens). The
// user's global roles decide the scopes; none means "no access". The identity provider's tokens stay in memory; only the PKCE transaction
// waits in sessionStorage across the redirect.
import * as oauth from "oauth4webapi";
import { config, type OidcConfig } from "../config.ts";
import type { SignInMethod } from "./session.ts";

const TRANSACTION_KEY = "gatehouse-console-signin";

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

  let firstCall = true;
  return {
    source: {
      // Each exchange at Gatehouse (resource = the management resource) sends the provider's access
      // token: the one the redirect brought back, then refreshed ones, else a new sign-in round trip.
      async subjectToken() {
        const fromCallback = firstCall ? await completeCallback() : undefined;
        firstCall = false;
        return fromCallback ?? (await refreshIdentity()) ?? redirectToSignIn();
      },
    },
    noAccess(refusal) {
      return refusal.error === "invalid_grant" || refusal.error === "access_denied"
        ? `Gatehouse does not know your account (${refusal.errorDescription ?? refusal.error}).`
        : undefined;
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
