// What an access token grants, following the decision table of docs/tokens.md:
//
//   organization_id | resource | token
//   ----------------+----------+-------------------------------------------------------------
//   yes             | no       | organization token: organization permissions in that org
//   yes             | yes      | organization-level API token: API permissions from org roles
//   no              | yes      | global API token (the management token when resource is ours)
//   no              | no       | refused (target_required)
//
// Issued scope = requested ∩ granted by the subject's current roles; no `scope` means all granted.
// The domain decides the claims; `src/auth/tokens.ts` signs them.
import type { TokenConfig } from "../../config/index.js";
import { managementScopes } from "../management.js";
import type { TokenFacts } from "./facts.js";
import type { Subject } from "./grants.js";
import { TokenRefusal } from "./refusal.js";

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

/** Claims Gatehouse puts in every access token (RFC 9068), before signing. */
export interface AccessTokenClaims {
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  organization_id?: string;
  amr?: string[];
}

/** What a token request is granted: the claims to sign and for how long. */
export interface TokenDecision {
  kind: TokenKind;
  claims: AccessTokenClaims;
  scope: string[];
  audience: string;
  /** Lifetime in seconds. */
  ttl: number;
}

/** A signed access token and what it grants. */
export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  scope: string[];
  audience: string;
  kind: TokenKind;
}

/** What a Gatehouse token says: its kind (`typ` header), subject, audience and expiry (epoch seconds). */
export interface SignedToken {
  typ: string;
  sub: string;
  aud: string;
  expiresAt: number;
  claims?: Record<string, unknown>;
}

/** Signs what the domain decided (implemented by `src/auth/tokens.ts`). */
export interface AccessTokenSigner {
  /** Signs access-token claims with the active key, valid for `ttlSeconds`. */
  sign(claims: AccessTokenClaims, ttlSeconds: number): Promise<string>;
  /** Decides (`decideAccessToken`) and signs. */
  issue(request: TokenRequest): Promise<IssuedToken>;
}

/** `amr` values (RFC 8176) that show a second factor was used in the session. */
const SECOND_FACTORS = new Set(["mfa", "otp", "hwk", "swk", "sms", "tel", "fpt", "face", "iris", "retina", "vbm"]);

export function showsSecondFactor(amr: readonly string[] | undefined): boolean {
  return (amr ?? []).some((method) => SECOND_FACTORS.has(method));
}

export function organizationAudience(tokens: Pick<TokenConfig, "organizationAudiencePrefix">, organizationId: string): string {
  return `${tokens.organizationAudiencePrefix}${organizationId}`;
}

export interface TokenDecisionContext {
  /** Where memberships and grants are read: the database, or the cache in front of it. */
  facts: TokenFacts;
  tokens: TokenConfig;
}

/** The token `request` is granted, or a TokenRefusal saying which rule refuses it. */
export async function decideAccessToken(context: TokenDecisionContext, request: TokenRequest): Promise<TokenDecision> {
  const { organizationId, resource } = request;
  if (organizationId !== undefined) {
    await assertMayEnterOrganization(context, request.subject, organizationId, request.amr);
    return resource === undefined
      ? decideOrganizationToken(context, request, organizationId)
      : decideOrganizationResourceToken(context, request, organizationId, resource);
  }
  if (resource !== undefined) return decideResourceToken(context, request, resource);
  throw new TokenRefusal("target_required");
}

async function assertMayEnterOrganization(
  { facts, tokens }: TokenDecisionContext,
  subject: Subject,
  organizationId: string,
  amr: string[] | undefined,
) {
  const membership = await facts.membership(subject, organizationId);
  // An unknown organization is refused exactly like one the subject is not in: ids are not probed.
  if (!membership) throw new TokenRefusal("not_a_member", `${subject.type} is not a member of the organization`);
  // MFA is about people: applications authenticate with their secret.
  if (subject.type !== "user" || !membership.mfaRequired) return;
  if (!membership.mfaEnrolled) throw new TokenRefusal("mfa_not_enrolled");
  if (tokens.mfaRequiresAmr && !showsSecondFactor(amr)) throw new TokenRefusal("mfa_not_in_session");
}

async function decideOrganizationToken(context: TokenDecisionContext, request: TokenRequest, organizationId: string) {
  const granted = await context.facts.organizationScopes(request.subject, organizationId);
  return decision(request, {
    kind: "organization",
    audience: organizationAudience(context.tokens, organizationId),
    organizationId,
    granted,
    ttl: context.tokens.organizationTokenTtl,
  });
}

async function decideOrganizationResourceToken(
  context: TokenDecisionContext,
  request: TokenRequest,
  organizationId: string,
  indicator: string,
) {
  const resource = await findResource(context.facts, indicator);
  const granted = await context.facts.organizationResourceScopes(request.subject, organizationId, resource.id);
  return decision(request, { kind: "organization_resource", audience: resource.indicator, organizationId, granted, ttl: resource.accessTokenTtl });
}

async function decideResourceToken(context: TokenDecisionContext, request: TokenRequest, indicator: string) {
  const resource = await findResource(context.facts, indicator);
  let granted = await context.facts.globalResourceScopes(request.subject, resource.id);
  // `all` implies every management scope, so its holder may ask for a narrower token.
  if (indicator === context.tokens.managementResource && request.scope && granted.includes("all")) {
    granted = withImpliedManagementScopes(granted);
  }
  return decision(request, { kind: "resource", audience: resource.indicator, granted, ttl: resource.accessTokenTtl });
}

const MANAGEMENT_SCOPES = Object.keys(managementScopes);
const impliedManagementScopes = new WeakMap<readonly string[], string[]>();

/**
 * `granted` with every management scope added, computed once per granted list: the facts cache
 * hands out the same list until a change drops it, and this ran at every management token.
 */
function withImpliedManagementScopes(granted: readonly string[]): string[] {
  let expanded = impliedManagementScopes.get(granted);
  if (!expanded) {
    expanded = [...new Set([...granted, ...MANAGEMENT_SCOPES])];
    impliedManagementScopes.set(granted, expanded);
  }
  return expanded;
}

async function findResource(facts: TokenFacts, indicator: string) {
  const resource = await facts.resource(indicator);
  if (!resource) throw new TokenRefusal("unknown_resource");
  return resource;
}

function decision(
  request: TokenRequest,
  token: { kind: TokenKind; audience: string; organizationId?: string; granted: string[]; ttl: number },
): TokenDecision {
  const scope = request.scope === undefined ? token.granted : token.granted.filter((s) => request.scope!.includes(s));
  return {
    kind: token.kind,
    audience: token.audience,
    scope,
    ttl: token.ttl,
    claims: {
      sub: request.subject.id,
      aud: token.audience,
      client_id: request.clientId,
      scope: scope.join(" "),
      ...(token.organizationId !== undefined ? { organization_id: token.organizationId } : {}),
    },
  };
}
