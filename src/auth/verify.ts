// Verifies bearer JWTs: Gatehouse's own, against its published keys, and those of configured
// trusted issuers, against their JWKS (found by OIDC discovery or configured). Algorithms are
// allow-listed per issuer, so `alg: none` and HMAC-with-a-public-key tokens never verify.
import {
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import type { TrustedIssuerConfig } from "../config/index.js";
import { textProblem } from "../text.js";
import type { SigningKeys } from "./signing-keys.js";

export class TokenVerificationError extends Error {
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
    this.name = "TokenVerificationError";
  }
}

export interface TokenClaims extends JWTPayload {
  scope?: string;
  client_id?: string;
  azp?: string;
  organization_id?: string;
  amr?: string[];
  email?: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
}

export type VerifiedToken =
  | { source: "gatehouse"; claims: TokenClaims & { sub: string } }
  | { source: "trusted"; issuer: TrustedIssuerConfig; claims: TokenClaims & { sub: string } };

/** What one kind of Gatehouse token carries besides its signature, issuer and expiry (RFC 8725 explicit typing). */
export interface OwnTokenKind {
  /** The `typ` header: `at+jwt` for access tokens. */
  typ: string;
  /** The audience, when the kind has a fixed one. */
  audience?: string;
}

const ACCESS_TOKEN: OwnTokenKind = { typ: "at+jwt" };

export interface TokenVerifierOptions {
  issuer: () => string;
  keys: SigningKeys;
  trustedIssuers: TrustedIssuerConfig[];
  clockToleranceSeconds: number;
}

const OWN_ALGORITHMS = ["ES256", "EdDSA"];

export class TokenVerifier {
  private readonly remoteKeys = new Map<string, Promise<JWTVerifyGetKey>>();
  /**
   * jose's key set over each set of published keys `SigningKeys` holds (a new object when it
   * reloads them): the set imports each key once and keeps it, where a set built per request
   * imported the key again at every request (`ecImportKey`, ~1% of the member page's CPU).
   */
  private readonly ownKeySets = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

  constructor(private readonly options: TokenVerifierOptions) {}

  /** Verifies signature, issuer, expiry and not-before; audience for trusted issuers. */
  async verify(token: string): Promise<VerifiedToken> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new TokenVerificationError("not a well-formed JWT");
    }
    if (unverified.iss === this.options.issuer()) {
      return { source: "gatehouse", claims: await this.verifyOwn(token) };
    }
    const trusted = this.options.trustedIssuers.find((candidate) => candidate.issuer === unverified.iss);
    if (!trusted) throw new TokenVerificationError("issuer is not trusted");
    return { source: "trusted", issuer: trusted, claims: await this.verifyTrusted(token, trusted) };
  }

  /** Verifies a token Gatehouse signed, of `kind` (an access token unless told). */
  async verifyOwn(token: string, kind: OwnTokenKind = ACCESS_TOKEN): Promise<TokenClaims & { sub: string }> {
    const attempt = async () =>
      check(
        jwtVerify<TokenClaims>(token, this.ownKeySet(await this.options.keys.jwks()), {
          issuer: this.options.issuer(),
          audience: kind.audience,
          algorithms: OWN_ALGORITHMS,
          typ: kind.typ,
          clockTolerance: this.options.clockToleranceSeconds,
        }),
      );
    try {
      return await attempt();
    } catch (error) {
      // A key rotated by another replica (or the CLI) since this one loaded its keys.
      if (!(error instanceof TokenVerificationError) || error.reason !== UNKNOWN_KEY) throw error;
      this.options.keys.invalidate();
      return attempt();
    }
  }

  private ownKeySet(jwks: JSONWebKeySet): JWTVerifyGetKey {
    let keySet = this.ownKeySets.get(jwks);
    if (!keySet) {
      keySet = createLocalJWKSet(jwks);
      this.ownKeySets.set(jwks, keySet);
    }
    return keySet;
  }

  private async verifyTrusted(token: string, trusted: TrustedIssuerConfig): Promise<TokenClaims & { sub: string }> {
    return check(
      jwtVerify<TokenClaims>(token, await this.remoteKeySet(trusted), {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms: trusted.algorithms,
        clockTolerance: this.options.clockToleranceSeconds,
      }),
    );
  }

  private remoteKeySet(trusted: TrustedIssuerConfig): Promise<JWTVerifyGetKey> {
    let keySet = this.remoteKeys.get(trusted.issuer);
    if (!keySet) {
      keySet = discoverJwksUri(trusted).then((uri) => createRemoteJWKSet(new URL(uri)));
      // A failed discovery is retried by the next request rather than cached.
      keySet.catch(() => this.remoteKeys.delete(trusted.issuer));
      this.remoteKeys.set(trusted.issuer, keySet);
    }
    return keySet;
  }
}

const UNKNOWN_KEY = "signed with an unknown key";

async function discoverJwksUri(trusted: TrustedIssuerConfig): Promise<string> {
  if (trusted.jwksUri) return trusted.jwksUri;
  const url = trusted.discoveryUrl ?? `${trusted.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  let metadata: { issuer?: string; jwks_uri?: string };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000), headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = (await response.json()) as typeof metadata;
  } catch (error) {
    throw new TokenVerificationError(`the issuer's discovery document could not be read (${(error as Error).message})`);
  }
  if (metadata.issuer !== trusted.issuer || typeof metadata.jwks_uri !== "string") {
    throw new TokenVerificationError("the issuer's discovery document names another issuer or no jwks_uri");
  }
  return metadata.jwks_uri;
}

/** Runs a jose verification and turns its failures into reasons a caller can act on. */
async function check(
  verification: Promise<{ payload: TokenClaims }>,
): Promise<TokenClaims & { sub: string }> {
  let payload: TokenClaims;
  try {
    ({ payload } = await verification);
  } catch (error) {
    throw new TokenVerificationError(reasonFor(error));
  }
  if (typeof payload.sub !== "string" || payload.sub === "") throw new TokenVerificationError("no subject (sub)");
  const problem = claimsProblem(payload);
  if (problem) throw new TokenVerificationError(problem);
  return payload as TokenClaims & { sub: string };
}

/** The longest value of each claim Gatehouse reads; a claim of another type is invalid too. */
const CLAIM_BOUNDS = {
  sub: 255,
  client_id: 255,
  azp: 255,
  organization_id: 255,
  scope: 4096,
  email: 320,
  name: 1024,
  picture: 2048,
} as const satisfies Partial<Record<keyof TokenClaims, number>>;

/** Claims of any issuer, trusted or not, reach the database and the logs: no value may hold NUL. */
const MAX_CLAIM_TEXT = 16_384;
const MAX_CLAIM_DEPTH = 8;

/**
 * What is wrong with a verified token's claims, or undefined. A signature says who wrote them,
 * not that they are fit to use: an identifier over-long, of the wrong type or with a NUL is refused.
 */
function claimsProblem(claims: TokenClaims): string | undefined {
  for (const [name, max] of Object.entries(CLAIM_BOUNDS)) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== "string") return `claim ${name} is not a string`;
    const problem = textProblem(value, max);
    if (problem) return `claim ${name} ${problem}`;
  }
  if (claims.amr !== undefined && (!Array.isArray(claims.amr) || claims.amr.some((method) => typeof method !== "string"))) {
    return "claim amr is not a list of strings";
  }
  return jsonProblem(claims, "", 0);
}

function jsonProblem(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === "string") {
    const problem = textProblem(value, MAX_CLAIM_TEXT);
    return problem ? `claim ${path} ${problem}` : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  if (depth > MAX_CLAIM_DEPTH) return `claim ${path} nests deeper than ${MAX_CLAIM_DEPTH} levels`;
  for (const [key, item] of Object.entries(value)) {
    const name = path ? `${path}.${key}` : key;
    if (textProblem(key, 256)) return `a claim's name is not valid text`;
    const problem = jsonProblem(item, name, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function reasonFor(error: unknown): string {
  if (error instanceof TokenVerificationError) return error.reason;
  if (error instanceof joseErrors.JWTExpired) return "expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return "not yet valid";
    if (error.claim === "iat") return "issued in the future";
    if (error.claim === "aud") return "audience is not accepted";
    if (error.claim === "iss") return "issuer does not match";
    if (error.claim === "typ") return "wrong token type (typ)";
    return `claim ${error.claim} is invalid`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "signing algorithm is not allowed";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return UNKNOWN_KEY;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "signature is invalid";
  if (error instanceof joseErrors.JWKSTimeout) return "the issuer's keys could not be fetched in time";
  if (error instanceof joseErrors.JOSEError) return "malformed or unverifiable";
  throw error;
}
