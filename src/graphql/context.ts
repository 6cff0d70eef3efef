// What every resolver receives.
import type { Database, PrismaClient } from "../db/index.js";

export interface GraphQLContext {
  db: Database;
  prisma: PrismaClient;
  /** Whether the request carried a valid token. Anonymous requests may read public fields only. */
  authenticated: boolean;
}
