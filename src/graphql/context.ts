// What every resolver receives.
import { type Principal, actorOf } from "../auth/principal.js";
import type { ChangeFeed } from "../changes.js";
import type { Database, PrismaClient } from "../db/index.js";
import type { OrganizationCaller } from "../domain/organization-plane.js";
import type { AddressPolicy } from "../domain/webhooks/addresses.js";
import type { TemplateCache } from "../domain/template-cache.js";
import type { SecretSealer } from "../domain/webhooks/endpoints.js";
import type { InvitationTokens } from "../domain/tokens/invitation.js";
import type { Loaders } from "./loaders.js";

export interface GraphQLContext {
  db: Database;
  prisma: PrismaClient;
  /** The caller, from the bearer token; null for anonymous requests (public fields only). */
  principal: Principal | null;
  /** When the caller's token expires: subscriptions end then. */
  tokenExpiresAt: Date | undefined;
  /** Committed changes, from every replica: what subscriptions stream. */
  changes: ChangeFeed;
  loaders: Loaders;
  /** The organization template (roles and what they grant), kept in memory; see template-cache.ts. */
  template: TemplateCache;
  invitationTokens: InvitationTokens;
  /** What managing webhook endpoints needs: their secrets' encryption, and which addresses they may reach. */
  webhooks: { sealer: SecretSealer; addresses: AddressPolicy };
}

/** Who acts, for the audit trail: the token's subject (`user:<id>`, `application:<id>`). */
export { actorOf };

/** The domain context of a resolver. */
export function domain(context: GraphQLContext) {
  return { prisma: context.prisma, actor: actorOf(context.principal) };
}

/** The organization-plane caller, for the rules that bind only organization tokens. */
export function organizationCaller(context: GraphQLContext): OrganizationCaller | undefined {
  const { principal } = context;
  return principal?.kind === "organization" ? { organizationId: principal.organizationId, subject: principal.subject } : undefined;
}
