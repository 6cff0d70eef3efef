// The data both sides of the comparison serve: Gatehouse's admin application (management tokens),
// an M2M application that is a member of a 10,000-member organization with a role granting
// `read:organization` and `read:members` (organization tokens), and that organization's members,
// each holding two roles of three permissions. Written in-process before the server starts (the
// embedded database is single-process), in volume with SQL.
import { withServices } from "../../src/cli/services.js";
import { loadConfig } from "../../src/config/index.js";
import { bootstrap } from "../../src/domain/bootstrap.js";
import { fixtures } from "../../test/support/fixtures.js";
import { organizationWithMembers } from "../seed.js";
import type { Client } from "./harness.js";

export interface GatehouseWorld {
  managementResource: string;
  admin: Client;
  /** An M2M member of `organizationId`, for organization tokens. */
  member: Client;
  organizationId: string;
}

export async function seedGatehouse(env: Record<string, string>, members: number): Promise<GatehouseWorld> {
  const config = loadConfig({ ...env, LOG_LEVEL: "warn" });
  return withServices(config, async ({ db }) => {
    const { prisma } = db;
    const managementResource = config.tokens.managementResource;
    const admin = await bootstrap(prisma, managementResource);
    const f = fixtures(prisma);
    const { organization } = await organizationWithMembers(db, members, "compare");
    const application = await f.application("bench member application");
    const role = await f.organizationRole({
      name: "bench-reader",
      type: "MACHINE_TO_MACHINE",
      permissions: ["read:organization", "read:members"],
    });
    await f.applicationMember(organization.id, application.id, [role.id]);
    // Statistics, as a database in use has them: without, the planner guesses the organization
    // holds a few dozen members, and both sides' plans (PostGraphile's too) are a matter of luck.
    await db.pool.withSession((session) => session.query("ANALYZE"));
    return {
      managementResource,
      admin: { clientId: admin.clientId, clientSecret: admin.clientSecret! },
      member: { clientId: application.id, clientSecret: application.secret },
      organizationId: organization.id,
    };
  });
}
