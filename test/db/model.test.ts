// The database itself enforces the data model's rules (DESIGN §1), whatever code writes to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constraintViolation } from "../../src/db/errors.js";
import type { Database } from "../../src/db/index.js";
import { openTestDatabase } from "../support/database.js";

let db: Database & { dispose(): Promise<void> };

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.dispose());

/** The SQLSTATE of the constraint a refused write violated (23505 unique, 23503 FK, 23514 check, 23001 restrict). */
async function failureCode(action: Promise<unknown>): Promise<string | undefined> {
  const error = await action.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "the write should have been refused").toBeDefined();
  const violation = constraintViolation(error);
  expect(violation, String(error)).toBeDefined();
  return violation?.sqlState;
}

async function organizationWithMember() {
  const prisma = db.prisma;
  const organization = await prisma.organization.create({ data: { name: "Acme" } });
  const user = await prisma.user.create({ data: {} });
  await prisma.organizationMembership.create({ data: { organizationId: organization.id, userId: user.id } });
  return { organization, user };
}

describe("the data model in the database", () => {
  it("treats primary emails case-insensitively, and unique", async () => {
    await db.prisma.user.create({ data: { primaryEmail: "Grace@Example.com" } });
    expect(await db.prisma.user.findUnique({ where: { primaryEmail: "grace@example.COM" } })).not.toBeNull();
    expect(await failureCode(db.prisma.user.create({ data: { primaryEmail: "GRACE@example.com" } }))).toBe("23505");
  });

  it("refuses a USER role for an application and a MACHINE_TO_MACHINE role for a user", async () => {
    const { organization, user } = await organizationWithMember();
    const m2mRole = await db.prisma.organizationRole.create({ data: { name: "robot", type: "MACHINE_TO_MACHINE" } });
    // The assignment claims the role is a USER role; the composite key finds no such (id, type).
    expect(
      await failureCode(
        db.prisma.organizationUserRole.create({
          data: { organizationId: organization.id, userId: user.id, roleId: m2mRole.id },
        }),
      ),
    ).toBe("23503");
    // Claiming the right type is refused by the table's CHECK.
    expect(
      await failureCode(
        db.prisma.organizationUserRole.create({
          data: { organizationId: organization.id, userId: user.id, roleId: m2mRole.id, roleType: "MACHINE_TO_MACHINE" },
        }),
      ),
    ).toBe("23514");
  });

  it("requires membership before an organization role", async () => {
    const organization = await db.prisma.organization.create({ data: { name: "Initech" } });
    const outsider = await db.prisma.user.create({ data: {} });
    const role = await db.prisma.organizationRole.create({ data: { name: "initech-member" } });
    expect(
      await failureCode(
        db.prisma.organizationUserRole.create({
          data: { organizationId: organization.id, userId: outsider.id, roleId: role.id },
        }),
      ),
    ).toBe("23503");
  });

  it("keeps a role's type fixed while it is assigned", async () => {
    const { organization, user } = await organizationWithMember();
    const role = await db.prisma.organizationRole.create({ data: { name: "editor" } });
    await db.prisma.organizationRole.update({ where: { id: role.id }, data: { type: "MACHINE_TO_MACHINE" } });
    await db.prisma.organizationRole.update({ where: { id: role.id }, data: { type: "USER" } });
    await db.prisma.organizationUserRole.create({ data: { organizationId: organization.id, userId: user.id, roleId: role.id } });
    const refused = await db.prisma.organizationRole
      .update({ where: { id: role.id }, data: { type: "MACHINE_TO_MACHINE" } })
      .then(
        () => undefined,
        (error: unknown) => constraintViolation(error),
      );
    // PostgreSQL 15 reports a RESTRICT violation as 23503, PostgreSQL 18 (PGlite) as 23001.
    expect(refused?.sqlState).toMatch(/^(23001|23503)$/);
    expect(refused?.constraint).toBe("organization_user_roles_role_id_role_type_fkey");
  });

  it("removes a member's roles with the membership, and everything with the organization", async () => {
    const { organization, user } = await organizationWithMember();
    const role = await db.prisma.organizationRole.create({ data: { name: "auditor" } });
    await db.prisma.organizationUserRole.create({ data: { organizationId: organization.id, userId: user.id, roleId: role.id } });

    await db.prisma.organizationMembership.delete({
      where: { organizationId_userId: { organizationId: organization.id, userId: user.id } },
    });
    expect(await db.prisma.organizationUserRole.count({ where: { organizationId: organization.id } })).toBe(0);

    await db.prisma.organizationMembership.create({ data: { organizationId: organization.id, userId: user.id } });
    await db.prisma.organizationUserRole.create({ data: { organizationId: organization.id, userId: user.id, roleId: role.id } });
    await db.prisma.organization.delete({ where: { id: organization.id } });
    expect(await db.prisma.organizationMembership.count({ where: { organizationId: organization.id } })).toBe(0);
    expect(await db.prisma.organizationUserRole.count({ where: { organizationId: organization.id } })).toBe(0);
    expect(await db.prisma.user.count({ where: { id: user.id } })).toBe(1);
    expect(await db.prisma.organizationRole.count({ where: { id: role.id } })).toBe(1);
  });

  it("removes a deleted permission from every role, and a deleted role from every member", async () => {
    const { organization, user } = await organizationWithMember();
    const scope = await db.prisma.organizationScope.create({ data: { name: "read:reports" } });
    const roles = await Promise.all(
      ["reader-a", "reader-b"].map((name) =>
        db.prisma.organizationRole.create({ data: { name, scopes: { create: { scopeId: scope.id } } } }),
      ),
    );
    await db.prisma.organizationUserRole.create({
      data: { organizationId: organization.id, userId: user.id, roleId: roles[0]!.id },
    });

    await db.prisma.organizationScope.delete({ where: { id: scope.id } });
    expect(await db.prisma.organizationRoleScope.count({ where: { roleId: { in: roles.map((r) => r.id) } } })).toBe(0);

    await db.prisma.organizationRole.delete({ where: { id: roles[0]!.id } });
    expect(await db.prisma.organizationUserRole.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.prisma.organizationMembership.count({ where: { userId: user.id } })).toBe(1);
  });

  it("allows one pending invitation per invitee and organization, whatever the email's case", async () => {
    const organization = await db.prisma.organization.create({ data: { name: "Globex" } });
    const expiresAt = new Date(Date.now() + 86_400_000);
    const first = await db.prisma.organizationInvitation.create({
      data: { organizationId: organization.id, invitee: "hank@globex.test", expiresAt },
    });
    expect(
      await failureCode(
        db.prisma.organizationInvitation.create({
          data: { organizationId: organization.id, invitee: "Hank@Globex.test", expiresAt },
        }),
      ),
    ).toBe("23505");
    await db.prisma.organizationInvitation.update({ where: { id: first.id }, data: { status: "REVOKED" } });
    await db.prisma.organizationInvitation.create({
      data: { organizationId: organization.id, invitee: "HANK@globex.test", expiresAt },
    });
  });

  it("refuses API permission names with whitespace, and non-positive token lifetimes", async () => {
    const resource = await db.prisma.apiResource.create({ data: { name: "Reports", indicator: "https://reports.test" } });
    expect(await failureCode(db.prisma.resourceScope.create({ data: { resourceId: resource.id, name: "read reports" } }))).toBe(
      "23514",
    );
    expect(
      await failureCode(db.prisma.apiResource.create({ data: { name: "Bad", indicator: "https://bad.test", accessTokenTtl: 0 } })),
    ).toBe("23514");
  });
});
