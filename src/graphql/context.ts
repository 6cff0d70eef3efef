// What every resolver receives.
import type { Principal } from "../auth/principal.js";
import type { Database, PrismaClient } from "../db/index.js";

export interface GraphQLContext {
  db: Database;
  prisma: PrismaClient;
  /** The caller, from the bearer token; null for anonymous requests (public fields only). */
  principal: Principal | null;
}
