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

export function createLoaders(prisma: PrismaClient): Loaders {
  return {
    userMembership: new MembershipCheck(
      new DataLoader(async (keys) => {
        const pairs = keys.map(split);
        const rows = await prisma.organizationMembership.findMany({
          where: { OR: pairs.map(([organizationId, userId]) => ({ organizationId, userId })) },
          select: { organizationId: true, userId: true },
        });
        const found = new Set(rows.map((row) => `${row.organizationId}:${row.userId}`));
        return keys.map((key) => found.has(key));
      }),
    ),
    applicationMembership: new MembershipCheck(
      new DataLoader(async (keys) => {
        const pairs = keys.map(split);
        const rows = await prisma.organizationApplication.findMany({
          where: { OR: pairs.map(([organizationId, applicationId]) => ({ organizationId, applicationId })) },
          select: { organizationId: true, applicationId: true },
        });
        const found = new Set(rows.map((row) => `${row.organizationId}:${row.applicationId}`));
        return keys.map((key) => found.has(key));
      }),
    ),
  };
}
