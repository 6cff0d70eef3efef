// The first admin: Gatehouse's management API as a resource with its scopes, a global M2M role
// holding `all`, and an M2M application holding that role. Idempotent: a second run changes
// nothing and reveals no secret.
import { assertThat } from "../errors.js";
import type { PrismaClient } from "../db/index.js";
import { generateClientSecret, hashClientSecret } from "./applications.js";
import { recordAudit } from "./audit.js";
import { managementScopes } from "./management.js";

export const MANAGEMENT_RESOURCE_NAME = "Gatehouse management API";
export const ADMIN_ROLE_NAME = "gatehouse-admin";
export const ADMIN_APPLICATION_NAME = "Gatehouse admin";

export interface BootstrapResult {
  managementResource: string;
  clientId: string;
  /** Only when this run created the application. */
  clientSecret?: string;
}

export async function bootstrap(prisma: PrismaClient, managementResource: string): Promise<BootstrapResult> {
  return prisma.$transaction(async (tx) => {
    const resource = await tx.apiResource.upsert({
      where: { indicator: managementResource },
      create: { name: MANAGEMENT_RESOURCE_NAME, indicator: managementResource, isBuiltIn: true },
      update: { isBuiltIn: true },
    });
    for (const [name, description] of Object.entries(managementScopes)) {
      await tx.resourceScope.upsert({
        where: { resourceId_name: { resourceId: resource.id, name } },
        create: { resourceId: resource.id, name, description },
        update: {},
      });
    }
    const all = await tx.resourceScope.findUniqueOrThrow({
      where: { resourceId_name: { resourceId: resource.id, name: "all" } },
    });

    const role = await tx.role.upsert({
      where: { name: ADMIN_ROLE_NAME },
      create: { name: ADMIN_ROLE_NAME, type: "MACHINE_TO_MACHINE", description: "Everything in the management API." },
      update: {},
    });
    assertThat(
      role.type === "MACHINE_TO_MACHINE",
      "CONFLICT",
      `A USER role named ${ADMIN_ROLE_NAME} already exists; rename it, then bootstrap again.`,
    );
    await tx.roleScope.upsert({
      where: { roleId_scopeId: { roleId: role.id, scopeId: all.id } },
      create: { roleId: role.id, scopeId: all.id },
      update: {},
    });

    const existing = await tx.application.findFirst({
      where: { name: ADMIN_APPLICATION_NAME, roles: { some: { roleId: role.id } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    if (existing) return { managementResource, clientId: existing.id };

    const clientSecret = generateClientSecret();
    const application = await tx.application.create({
      data: {
        name: ADMIN_APPLICATION_NAME,
        description: "Created by `gatehouse bootstrap`: holds every management scope.",
        secretHash: hashClientSecret(clientSecret),
        roles: { create: { roleId: role.id } },
      },
    });
    await recordAudit(tx, {
      actor: "cli",
      action: "bootstrap.completed",
      targetId: application.id,
      data: { managementResource },
    });
    return { managementResource, clientId: application.id, clientSecret };
  });
}
