// Signing Gatehouse's tokens. What an access token grants is the domain's decision
// (`decideAccessToken`); this only puts it in a JWT with the active key.
import { randomUUID, sign } from "node:crypto";
import type { TokenConfig } from "../config/index.js";
import type { TokenFacts } from "../domain/tokens/facts.js";
import {
  type AccessTokenClaims,
  type AccessTokenSigner,
  type IssuedToken,
  type SignedToken,
  type TokenRequest,
  decideAccessToken,
} from "../domain/tokens/issue.js";
import type { ActiveKey, SigningKeys } from "./signing-keys.js";

export interface TokenIssuerOptions {
  /** Where decisions read memberships and grants (the cache in a server). */
  facts: TokenFacts;
  keys: SigningKeys;
  tokens: TokenConfig;
  /** The `iss` of issued tokens (resolved once the server knows its address). */
  issuer: () => string;
}

export class TokenIssuer implements AccessTokenSigner {
  constructor(private readonly options: TokenIssuerOptions) {}

  /** Decides what `request` is granted (or refuses it: TokenRefusal) and signs it. */
  async issue(request: TokenRequest): Promise<IssuedToken> {
    const decision = await decideAccessToken({ facts: this.options.facts, tokens: this.options.tokens }, request);
    const accessToken = await this.sign(decision.claims, decision.ttl);
    return { accessToken, expiresIn: decision.ttl, scope: decision.scope, audience: decision.audience, kind: decision.kind };
  }

  /** Signs arbitrary access-token claims with the active key (development tokens use this too). */
  async sign(claims: AccessTokenClaims, ttlSeconds: number): Promise<string> {
    const { sub, aud, ...rest } = claims;
    return this.signToken({ typ: "at+jwt", sub, aud, expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds, claims: rest });
  }

  /** Signs a Gatehouse token of any kind (`typ`) with the active key, with `iss`, `iat` and a fresh `jti`. */
  async signToken(token: SignedToken): Promise<string> {
    const key = await this.options.keys.active();
    const payload = {
      ...token.claims,
      iss: this.options.issuer(),
      sub: token.sub,
      aud: token.aud,
      iat: Math.floor(Date.now() / 1000),
      exp: token.expiresAt,
      jti: randomUUID(),
    };
    return compactJws(key, { alg: key.alg, kid: key.kid, typ: token.typ }, payload);
  }
}

/**
 * A compact JWS (RFC 7515), the bytes jose's `SignJWT` produces (same header and claim order),
 * signed with `node:crypto`'s synchronous `sign` and a `KeyObject` imported once. Written here
 * rather than through jose because jose signs through WebCrypto only: an asynchronous job per
 * token plus a key transfer, about four times the CPU of `crypto.sign` for ES256 and the largest
 * single cost of the token endpoint in its CPU profile (docs/performance.md). jose still verifies.
 */
function compactJws(key: ActiveKey, header: Record<string, string>, payload: Record<string, unknown>): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  // ES256 signatures in JOSE are r ‖ s (RFC 7518 §3.4), not DER; Ed25519 takes no digest.
  const signature =
    key.alg === "ES256"
      ? sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" })
      : sign(null, Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString("base64url")}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}
