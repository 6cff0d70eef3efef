// The facts a token decision reads: the client's secret hash, the resource, the subject's
// membership and what its roles grant. Read from the database, or from a cache in front of it
// (`CachedTokenFacts`) that every write drops:
//
// - in this process at once: the database layer reports every statement Prisma sends, before the
//   statement's promise resolves (`observeStatement`); a write, a COMMIT or a ROLLBACK drops the
//   cache, so a change is in every token issued after the change was acknowledged;
// - across replicas: the tables these facts come from NOTIFY `gatehouse_token_facts` after each
//   committing statement (migration 20261203100000), and each replica drops its cache when told
//   (and when its listening connection comes back, since notifications may have been lost then).
//
// A value read while a write was in flight is never kept: an entry is stored only if no
// invalidation happened between the start and the end of its read.
import type { PrismaClient } from "../../db/index.js";
import { hashClientSecret, secretMatches } from "../applications.js";
import {
  type MembershipFacts,
  type Subject,
  grantedGlobalResourceScopes,
  grantedOrganizationResourceScopes,
  grantedOrganizationScopes,
  organizationMembership,
  subjectKey,
} from "./grants.js";

export const TOKEN_FACTS_CHANNEL = "gatehouse_token_facts";

export interface ClientFacts {
  id: string;
  secretHash: string;
}

export interface ResourceFacts {
  id: string;
  indicator: string;
  accessTokenTtl: number;
}

export interface TokenFacts {
  client(clientId: string): Promise<ClientFacts | undefined>;
  resource(indicator: string): Promise<ResourceFacts | undefined>;
  membership(subject: Subject, organizationId: string): Promise<MembershipFacts | undefined>;
  organizationScopes(subject: Subject, organizationId: string): Promise<string[]>;
  organizationResourceScopes(subject: Subject, organizationId: string, resourceId: string): Promise<string[]>;
  globalResourceScopes(subject: Subject, resourceId: string): Promise<string[]>;
}

export function databaseTokenFacts(prisma: PrismaClient): TokenFacts {
  return {
    client: async (id) => (await prisma.application.findUnique({ where: { id }, select: { id: true, secretHash: true } })) ?? undefined,
    resource: async (indicator) =>
      (await prisma.apiResource.findUnique({ where: { indicator }, select: { id: true, indicator: true, accessTokenTtl: true } })) ?? undefined,
    membership: (subject, organizationId) => organizationMembership(prisma, subject, organizationId),
    organizationScopes: (subject, organizationId) => grantedOrganizationScopes(prisma, subject, organizationId),
    organizationResourceScopes: (subject, organizationId, resourceId) =>
      grantedOrganizationResourceScopes(prisma, subject, organizationId, resourceId),
    globalResourceScopes: (subject, resourceId) => grantedGlobalResourceScopes(prisma, subject, resourceId),
  };
}

/** An unknown client id costs the same hash work as a known one. */
const UNKNOWN_CLIENT_HASH = hashClientSecret("");

/**
 * The client whose id and secret these are, or undefined. The secret is checked at every request
 * against the stored hash (only the hash may come from the cache), so a rotated secret stops
 * working as soon as the rotation is acknowledged.
 */
export async function authenticateClient(facts: TokenFacts, clientId: string, secret: string): Promise<{ id: string } | undefined> {
  const client = await facts.client(clientId);
  const matches = secretMatches(secret, client?.secretHash ?? UNKNOWN_CLIENT_HASH);
  return client && matches ? { id: client.id } : undefined;
}

/** Statements that change nothing a token decision reads: reads, and the audit trail's inserts. */
const HARMLESS_STATEMENT = /^\s*(SELECT\b|INSERT\s+INTO\s+(?:"public"\.)?"?audit_events"?)/i;

/** Whether `sql` changes nothing a token decision (or the template, a part of them) reads. */
export function changesNoTokenFacts(sql: string): boolean {
  return HARMLESS_STATEMENT.test(sql);
}

/** Entries kept at most; past it the cache starts over (ids are caller-chosen, so it must be bounded). */
const MAX_ENTRIES = 50_000;

export class CachedTokenFacts implements TokenFacts {
  private readonly entries = new Map<string, unknown>();
  private generation = 0;

  constructor(private readonly source: TokenFacts) {}

  /** Drops every entry: something they were read from may have changed. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Called with every SQL statement this process sends, as it completes. */
  observeStatement(sql: string): void {
    if (!changesNoTokenFacts(sql)) this.invalidate();
  }

  client(clientId: string) {
    return this.cached(`client\u0000${clientId}`, () => this.source.client(clientId));
  }

  resource(indicator: string) {
    return this.cached(`resource\u0000${indicator}`, () => this.source.resource(indicator));
  }

  membership(subject: Subject, organizationId: string) {
    return this.cached(`membership\u0000${subjectKey(subject)}\u0000${organizationId}`, () => this.source.membership(subject, organizationId));
  }

  organizationScopes(subject: Subject, organizationId: string) {
    return this.cached(`organizationScopes\u0000${subjectKey(subject)}\u0000${organizationId}`, () =>
      this.source.organizationScopes(subject, organizationId),
    );
  }

  organizationResourceScopes(subject: Subject, organizationId: string, resourceId: string) {
    return this.cached(`organizationResourceScopes\u0000${subjectKey(subject)}\u0000${organizationId}\u0000${resourceId}`, () =>
      this.source.organizationResourceScopes(subject, organizationId, resourceId),
    );
  }

  globalResourceScopes(subject: Subject, resourceId: string) {
    return this.cached(`globalResourceScopes\u0000${subjectKey(subject)}\u0000${resourceId}`, () =>
      this.source.globalResourceScopes(subject, resourceId),
    );
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, value);
    }
    return value;
  }
}
