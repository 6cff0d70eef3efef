// Per-request DataLoaders: authorization checks that need the database batch into one query per
// kind, whatever the number of objects in the response.
import DataLoader from "dataloader";
import type { PrismaClient } from "../db/index.js";

/**
 * Whether a user (application) belongs to an organization. Answered without the database for the
 * memberships this request has already read (an organization's member page is made of them: the
 * row a member is shown from is the proof), otherwise by one batched query per request.
 */
export class MembershipCheck {
  private readonly read = new Set<string>();

  constructor(private readonly loader: DataLoader<string, boolean>) {}

  /** Records a membership row this request read from the database. */
  readMembership(organizationId: string, memberId: string): void {
    this.read.add(`${organizationId}:${memberId}`);
  }

  /** Synchronous (true) for a membership this request read; otherwise a batched lookup. */
  isMember(organizationId: string, memberId: string): boolean | Promise<boolean> {
    const key = `${organizationId}:${memberId}`;
    return this.read.has(key) || this.loader.load(key);
  }
}

export interface Loaders {
  userMembership: MembershipCheck;
  applicationMembership: MembershipCheck;
}

function split(key: string): [string, string] {
  const index = key.indexOf(":");
  return [key.slice(0, index), key.slice(index + 1)];
}

/**
 * A batched membership lookup: `find` reads the rows among the (organization, member) pairs asked
 * for, each as `[organizationId, memberId]`; one query per request whatever the number of keys.
 */
function membershipLoader(find: (pairs: [string, string][]) => Promise<[string, string][]>): MembershipCheck {
  return new MembershipCheck(
    new DataLoader(async (keys) => {
      const found = new Set((await find(keys.map(split))).map(([organizationId, memberId]) => `${organizationId}:${memberId}`));
      return keys.map((key) => found.has(key));
    }),
  );
}

export function createLoaders(prisma: PrismaClient): Loaders {
  return {
    userMembership: membershipLoader(async (pairs) => {
      const rows = await prisma.organizationMembership.findMany({
        where: { OR: pairs.map(([organizationId, userId]) => ({ organizationId, userId })) },
        select: { organizationId: true, userId: true },
      });
      return rows.map((row) => [row.organizationId, row.userId]);
    }),
    applicationMembership: membershipLoader(async (pairs) => {
      const rows = await prisma.organizationApplication.findMany({
        where: { OR: pairs.map(([organizationId, applicationId]) => ({ organizationId, applicationId })) },
        select: { organizationId: true, applicationId: true },
      });
      return rows.map((row) => [row.organizationId, row.applicationId]);
    }),
  };
}
