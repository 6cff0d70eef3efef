// Signing Gatehouse's tokens. What an access token grants is the domain's decision
// (`decideAccessToken`); this only puts it in a JWT with the active key.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
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
import type { SigningKeys } from "./signing-keys.js";

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
    return new SignJWT({ ...token.claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: token.typ })
      .setIssuer(this.options.issuer())
      .setSubject(token.sub)
      .setAudience(token.aud)
      .setIssuedAt()
      .setExpirationTime(token.expiresAt)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }
}
