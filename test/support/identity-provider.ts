// A real OpenID Provider (panva's oidc-provider) running in this process on a free port: users
// sign in through its development login pages (driven here by fetch with a cookie jar) with the
// authorization code flow and PKCE, and it issues JWT access tokens for Gatehouse's audience.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair, importJWK } from "jose";
import Provider, { type ClientMetadata } from "oidc-provider";

export const GATEHOUSE_AUDIENCE = "https://gatehouse.example.test";
const CLIENT_ID = "product-spa";
const REDIRECT_URI = "http://127.0.0.1/callback";

export interface Account {
  email?: string;
  emailVerified?: boolean;
  name?: string;
  /** Authentication methods of the session (RFC 8176), put in access tokens. */
  amr?: string[];
}

export interface IdentityProvider {
  issuer: string;
  /** The provider's signing key, to forge tokens that it "issued". */
  privateJwk: JWK & { kid: string };
  accounts: Map<string, Account>;
  /** Signs in `accountId` through the login pages and returns the access token for Gatehouse. */
  signIn(accountId: string): Promise<string>;
  /** Claims of an access token for Gatehouse's audience, as this provider issues them now (subject `mallory`), with `overrides`. */
  claims(overrides?: JWTPayload): JWTPayload;
  /** Signs arbitrary claims with the provider's key (RS256, its kid) unless told otherwise. */
  forge(claims: JWTPayload, header?: { alg?: string; kid?: string; key?: JWK }): Promise<string>;
  /** A GATEHOUSE_TRUSTED_ISSUERS entry for this provider. */
  trustedIssuer(options?: { createUsers?: boolean; trustEmail?: boolean }): Record<string, unknown>;
  close(): Promise<void>;
}

export interface IdentityProviderOptions {
  /** More clients, made once the issuer's URL is known (a browser app's redirect URI may depend on it). */
  clients?: (issuer: string) => Promise<ClientMetadata[]>;
}

export async function startIdentityProvider(options: IdentityProviderOptions = {}): Promise<IdentityProvider> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: "idp-key-1", alg: "RS256", use: "sig" };
  const accounts = new Map<string, Account>();

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    jwks: { keys: [privateJwk] },
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: [REDIRECT_URI],
      },
      ...(options.clients ? await options.clients(issuer) : []),
    ],
    findAccount: async (_context, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    extraTokenClaims: async (_context, token) => {
      const account = "accountId" in token && token.accountId ? accounts.get(token.accountId) : undefined;
      if (!account) return undefined;
      return {
        ...(account.email ? { email: account.email, email_verified: account.emailVerified ?? false } : {}),
        ...(account.name ? { name: account.name } : {}),
        ...(account.amr ? { amr: account.amr } : {}),
      };
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => GATEHOUSE_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "",
          audience: GATEHOUSE_AUDIENCE,
          accessTokenFormat: "jwt",
          accessTokenTTL: 300,
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    },
  });
  server.on("request", provider.callback());

  async function signIn(accountId: string): Promise<string> {
    const cookies = new Map<string, string>();
    const send = async (url: string, init: RequestInit = {}) => {
      const response = await fetch(new URL(url, issuer), {
        ...init,
        redirect: "manual",
        headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(";");
        const [name, ...value] = pair!.split("=");
        cookies.set(name!, value.join("="));
      }
      return response;
    };
    const verifier = randomBytes(32).toString("base64url");
    const authorize = new URL("/auth", issuer);
    authorize.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      resource: GATEHOUSE_AUDIENCE,
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
      state: randomBytes(8).toString("hex"),
    }).toString();

    let location = (await send(authorize.toString())).headers.get("location");
    for (let step = 0; step < 10 && location && !location.startsWith(REDIRECT_URI); step += 1) {
      if (location.includes("/interaction/")) {
        const page = await (await send(location)).text();
        const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
        const body = new URLSearchParams(prompt === "login" ? { prompt, login: accountId, password: "x" } : { prompt: prompt ?? "" });
        location = (
          await send(location, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } })
        ).headers.get("location");
      } else {
        location = (await send(location)).headers.get("location");
      }
    }
    const code = location && new URL(location).searchParams.get("code");
    if (!code) throw new Error(`sign-in did not reach the redirect URI (last location: ${location})`);
    const tokenResponse = await fetch(new URL("/token", issuer), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: CLIENT_ID,
        resource: GATEHOUSE_AUDIENCE,
      }),
    });
    const tokens = (await tokenResponse.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!tokens.access_token) throw new Error(`token request failed: ${tokens.error} ${tokens.error_description}`);
    return tokens.access_token;
  }

  return {
    issuer,
    privateJwk,
    accounts,
    signIn,
    claims(overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      return { iss: issuer, sub: "mallory", aud: GATEHOUSE_AUDIENCE, iat: now, exp: now + 300, ...overrides };
    },
    async forge(claims, header = {}) {
      const alg = header.alg ?? "RS256";
      const key = await importJWK(header.key ?? privateJwk, alg);
      return new SignJWT(claims).setProtectedHeader({ alg, kid: header.kid ?? privateJwk.kid, typ: "at+jwt" }).sign(key);
    },
    trustedIssuer: ({ createUsers = true, trustEmail = false } = {}) => ({
      issuer,
      audience: GATEHOUSE_AUDIENCE,
      algorithms: ["RS256"],
      createUsers,
      trustEmail,
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
