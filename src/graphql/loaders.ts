// Per-request DataLoaders: authorization checks that need the database batch into one query per
// kind, whatever the number of objects in the response.
import DataLoader from "dataloader";
import type { PrismaClient } from "../db/index.js";

export interface Loaders {
  /** Whether user `userId` is a member of organization `organizationId`; key `organizationId:userId`. */
  userMembership: DataLoader<string, boolean>;
  /** Whether application `applicationId` is in organization `organizationId`; key `organizationId:applicationId`. */
  applicationMembership: DataLoader<string, boolean>;
}

function split(key: string): [string, string] {
  const index = key.indexOf(":");
  return [key.slice(0, index), key.slice(index + 1)];
}

export function createLoaders(prisma: PrismaClient): Loaders {
  return {
    userMembership: new DataLoader(async (keys) => {
      const pairs = keys.map(split);
      const rows = await prisma.organizationMembership.findMany({
        where: { OR: pairs.map(([organizationId, userId]) => ({ organizationId, userId })) },
        select: { organizationId: true, userId: true },
      });
      const found = new Set(rows.map((row) => `${row.organizationId}:${row.userId}`));
      return keys.map((key) => found.has(key));
    }),
    applicationMembership: new DataLoader(async (keys) => {
      const pairs = keys.map(split);
      const rows = await prisma.organizationApplication.findMany({
        where: { OR: pairs.map(([organizationId, applicationId]) => ({ organizationId, applicationId })) },
        select: { organizationId: true, applicationId: true },
      });
      const found = new Set(rows.map((row) => `${row.organizationId}:${row.applicationId}`));
      return keys.map((key) => found.has(key));
    }),
  };
}
