// The caller of a GraphQL request, derived from its bearer token. Exactly one of:
//   management   — a Gatehouse token for the management API (audience = management resource);
//   organization — a Gatehouse organization token (its organization id and permissions);
//   identity     — a signed-in user: a trusted issuer's token, or a Gatehouse identity token.
import type { PrismaClient } from "../db/index.js";
import { type ManagementScope, allowsManagementScope } from "../domain/management.js";
import type { TokenFacts } from "../domain/tokens/facts.js";
import { type Subject, subjectKey } from "../domain/tokens/grants.js";
import { IDENTITY_AUDIENCE, userForIdentity } from "../domain/users.js";
import type { AuthServices } from "./services.js";
import { TokenVerificationError, type VerifiedToken } from "./verify.js";

export type Principal =
  | { kind: "management"; subject: Subject; clientId: string; scopes: ReadonlySet<string> }
  | { kind: "organization"; organizationId: string; subject: Subject; clientId: string; scopes: ReadonlySet<string> }
  | { kind: "identity"; userId: string };

function scopesOf(scope: unknown): ReadonlySet<string> {
  return new Set(typeof scope === "string" ? scope.split(" ").filter(Boolean) : []);
}

/**
 * The token's organization permissions that the subject's roles still grant now. Gatehouse's own
 * API honours a removed member or a revoked permission at once, not when the token expires
 * (resource servers that verify the JWT offline honour it until then).
 */
async function stillGranted(facts: TokenFacts, subject: Subject, organizationId: string, scope: unknown) {
  const current = new Set(await facts.organizationScopes(subject, organizationId));
  return new Set([...scopesOf(scope)].filter((permission) => current.has(permission)));
}

/** A verified token's caller, and when the token expires (long-lived subscriptions end then). */
export interface Authentication {
  principal: Principal;
  expiresAt: Date | undefined;
}

export async function principalFromToken(services: AuthServices, prisma: PrismaClient, token: string): Promise<Authentication> {
  const verified = await services.verifier.verify(token);
  const expiresAt = verified.claims.exp === undefined ? undefined : new Date(verified.claims.exp * 1000);
  return { principal: await principalOf(services, prisma, verified), expiresAt };
}

async function principalOf(services: AuthServices, prisma: PrismaClient, verified: VerifiedToken): Promise<Principal> {
  const { claims } = verified;
  if (verified.source === "trusted") {
    const user = await userForIdentity(prisma, { issuer: verified.issuer, subject: claims.sub, claims });
    if (!user) throw new TokenVerificationError("no Gatehouse user is linked to this identity");
    return { kind: "identity", userId: user.id };
  }

  const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : [];
  const clientId = claims.client_id ?? "";
  // RFC 9068: a token a client obtained for itself has the client as its subject.
  const subject: Subject = claims.sub === clientId ? { type: "application", id: clientId } : { type: "user", id: claims.sub };
  const { managementResource, organizationAudiencePrefix } = services.config.tokens;

  if (audiences.includes(managementResource)) {
    return { kind: "management", subject, clientId, scopes: scopesOf(claims.scope) };
  }
  const organizationAudience = audiences.find((audience) => audience.startsWith(organizationAudiencePrefix));
  if (organizationAudience) {
    const organizationId = organizationAudience.slice(organizationAudiencePrefix.length);
    if (claims.organization_id !== organizationId) {
      throw new TokenVerificationError("organization_id does not match the audience");
    }
    return { kind: "organization", organizationId, subject, clientId, scopes: await stillGranted(services.facts, subject, organizationId, claims.scope) };
  }
  if (audiences.includes(IDENTITY_AUDIENCE) && subject.type === "user") {
    return { kind: "identity", userId: subject.id };
  }
  throw new TokenVerificationError("audience is not accepted by the GraphQL API");
}

/** The user behind a principal, if it is one (organization tokens of users included). */
export function principalUserId(principal: Principal | null): string | undefined {
  if (!principal) return undefined;
  if (principal.kind === "identity") return principal.userId;
  return principal.subject.type === "user" ? principal.subject.id : undefined;
}

/** Who acts, as the audit trail names them (`user:<id>`, `application:<id>`, or `anonymous`). */
export function actorOf(principal: Principal | null): string {
  if (!principal) return "anonymous";
  return subjectKey(principal.kind === "identity" ? { type: "user", id: principal.userId } : principal.subject);
}

/** Whether a management token holds `scope` (directly, or through a scope that implies it). */
export function holdsManagementScope(principal: Principal | null, scope: ManagementScope): boolean {
  return principal?.kind === "management" && allowsManagementScope(principal.scopes, scope);
}

/** Whether an organization token for `organizationId` holds `permission` there. */
export function holdsOrganizationPermission(principal: Principal | null, organizationId: string, permission: string): boolean {
  return principal?.kind === "organization" && principal.organizationId === organizationId && principal.scopes.has(permission);
}
