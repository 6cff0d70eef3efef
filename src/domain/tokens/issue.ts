// Issuing Gatehouse access tokens, following the decision table of docs/tokens.md:
//
//   organization_id | resource | token
//   ----------------+----------+-------------------------------------------------------------
//   yes             | no       | organization token: organization permissions in that org
//   yes             | yes      | organization-level API token: API permissions from org roles
//   no              | yes      | global API token (the management token when resource is ours)
//   no              | no       | invalid_request
//
// Issued scope = requested ∩ granted by the subject's current roles; no `scope` means all granted.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { TokenConfig } from "../../config/index.js";
import type { PrismaClient } from "../../db/index.js";
import { OAuthError } from "../../auth/oauth-error.js";
import type { SigningKeys } from "../../auth/signing-keys.js";
import { managementScopes } from "../management.js";
import {
  type Subject,
  grantedGlobalResourceScopes,
  grantedOrganizationResourceScopes,
  grantedOrganizationScopes,
  organizationMembership,
} from "./grants.js";

export type { Subject } from "./grants.js";

export interface TokenRequest {
  subject: Subject;
  /** The OAuth client the token is issued to (`client_id` claim). */
  clientId: string;
  organizationId?: string;
  /** Resource indicator (RFC 8707). */
  resource?: string;
  /** Requested scopes; undefined means every granted scope. */
  scope?: string[];
  /** Authentication methods (`amr`) of the subject token, for the strict MFA rule. */
  amr?: string[];
}

export type TokenKind = "organization" | "organization_resource" | "resource";

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  scope: string[];
  audience: string;
  kind: TokenKind;
}

/** Claims Gatehouse puts in every access token (RFC 9068), before signing. */
export interface AccessTokenClaims {
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  organization_id?: string;
  amr?: string[];
}

/** What a Gatehouse token says: its kind (`typ` header), subject, audience and expiry (epoch seconds). */
export interface SignedToken {
  typ: string;
  sub: string;
  aud: string;
  expiresAt: number;
  claims?: Record<string, unknown>;
}

/** `amr` values (RFC 8176) that show a second factor was used in the session. */
const SECOND_FACTORS = new Set(["mfa", "otp", "hwk", "swk", "sms", "tel", "fpt", "face", "iris", "retina", "vbm"]);

export function showsSecondFactor(amr: readonly string[] | undefined): boolean {
  return (amr ?? []).some((method) => SECOND_FACTORS.has(method));
}

export interface TokenIssuerOptions {
  prisma: PrismaClient;
  keys: SigningKeys;
  tokens: TokenConfig;
  /** The `iss` of issued tokens (resolved once the server knows its address). */
  issuer: () => string;
}

export class TokenIssuer {
  constructor(private readonly options: TokenIssuerOptions) {}

  organizationAudience(organizationId: string): string {
    return `${this.options.tokens.organizationAudiencePrefix}${organizationId}`;
  }

  async issue(request: TokenRequest): Promise<IssuedToken> {
    const { organizationId, resource } = request;
    if (organizationId !== undefined) {
      await this.assertMayEnterOrganization(request.subject, organizationId, request.amr);
      return resource === undefined
        ? this.issueOrganizationToken(request, organizationId)
        : this.issueOrganizationResourceToken(request, organizationId, resource);
    }
    if (resource !== undefined) return this.issueResourceToken(request, resource);
    throw new OAuthError("invalid_request", "organization_id or resource is required");
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

  private async assertMayEnterOrganization(subject: Subject, organizationId: string, amr?: string[]) {
    const { prisma, tokens } = this.options;
    const membership = await organizationMembership(prisma, subject, organizationId);
    // An unknown organization is refused exactly like one the subject is not in: ids are not probed.
    if (!membership) {
      throw new OAuthError("access_denied", `${subject.type} is not a member of the organization`);
    }
    // MFA is about people: applications authenticate with their secret.
    if (subject.type !== "user" || !membership.mfaRequired) return;
    if (!membership.mfaEnrolled) {
      throw new OAuthError("access_denied", "organization requires MFA but user has no MFA configured");
    }
    if (tokens.mfaRequiresAmr && !showsSecondFactor(amr)) {
      throw new OAuthError(
        "access_denied",
        "organization requires MFA in this session, and the subject token's amr shows no second factor",
      );
    }
  }

  private async issueOrganizationToken(request: TokenRequest, organizationId: string): Promise<IssuedToken> {
    const granted = await grantedOrganizationScopes(this.options.prisma, request.subject, organizationId);
    return this.mint(request, {
      kind: "organization",
      audience: this.organizationAudience(organizationId),
      organizationId,
      granted,
      ttl: this.options.tokens.organizationTokenTtl,
    });
  }

  private async issueOrganizationResourceToken(
    request: TokenRequest,
    organizationId: string,
    indicator: string,
  ): Promise<IssuedToken> {
    const resource = await this.findResource(indicator);
    const granted = await grantedOrganizationResourceScopes(this.options.prisma, request.subject, organizationId, resource.id);
    return this.mint(request, {
      kind: "organization_resource",
      audience: resource.indicator,
      organizationId,
      granted,
      ttl: resource.accessTokenTtl,
    });
  }

  private async issueResourceToken(request: TokenRequest, indicator: string): Promise<IssuedToken> {
    const resource = await this.findResource(indicator);
    let granted = await grantedGlobalResourceScopes(this.options.prisma, request.subject, resource.id);
    // `all` implies every management scope, so its holder may ask for a narrower token.
    if (indicator === this.options.tokens.managementResource && request.scope && granted.includes("all")) {
      granted = [...new Set([...granted, ...Object.keys(managementScopes)])];
    }
    return this.mint(request, { kind: "resource", audience: resource.indicator, granted, ttl: resource.accessTokenTtl });
  }

  private async findResource(indicator: string) {
    const resource = await this.options.prisma.apiResource.findUnique({ where: { indicator } });
    if (!resource) throw new OAuthError("invalid_target", "resource is not a registered API resource indicator");
    return resource;
  }

  private async mint(
    request: TokenRequest,
    token: { kind: TokenKind; audience: string; organizationId?: string; granted: string[]; ttl: number },
  ): Promise<IssuedToken> {
    const scope = request.scope === undefined ? token.granted : token.granted.filter((s) => request.scope!.includes(s));
    const accessToken = await this.sign(
      {
        sub: request.subject.id,
        aud: token.audience,
        client_id: request.clientId,
        scope: scope.join(" "),
        ...(token.organizationId !== undefined ? { organization_id: token.organizationId } : {}),
      },
      token.ttl,
    );
    return { accessToken, expiresIn: token.ttl, scope, audience: token.audience, kind: token.kind };
  }
}
