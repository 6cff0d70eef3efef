// The default organization template: the permissions Gatehouse's own organization operations
// check, and three roles holding them. Idempotent and respectful of later changes: missing
// permissions and roles are created; existing roles keep whatever permissions admins gave them.
import { type DomainContext, change } from "./context.js";
import { type OrganizationPermission, organizationPermissions } from "./organization-permissions.js";

export const defaultRoles: Record<string, { description: string; permissions: OrganizationPermission[] }> = {
  admin: {
    description: "Manages the organization: its profile, members and their roles.",
    permissions: Object.keys(organizationPermissions) as OrganizationPermission[],
  },
  member: {
    description: "Sees the organization, its members and its applications.",
    permissions: ["read:organization", "read:members", "read:applications"],
  },
  viewer: {
    description: "Sees the organization's profile.",
    permissions: ["read:organization"],
  },
};

export interface SeedResult {
  createdPermissions: string[];
  createdRoles: string[];
}

export async function seedTemplate(context: DomainContext): Promise<SeedResult> {
  return change(
    context,
    async (tx) => {
      const existing = new Set((await tx.organizationScope.findMany({ select: { name: true } })).map((scope) => scope.name));
      const createdPermissions = Object.keys(organizationPermissions).filter((name) => !existing.has(name));
      await tx.organizationScope.createMany({
        data: createdPermissions.map((name) => ({ name, description: organizationPermissions[name as OrganizationPermission] })),
      });
      const scopes = await tx.organizationScope.findMany({ where: { name: { in: Object.keys(organizationPermissions) } } });
      const idOf = new Map(scopes.map((scope) => [scope.name, scope.id]));

      const createdRoles: string[] = [];
      for (const [name, role] of Object.entries(defaultRoles)) {
        if (await tx.organizationRole.findUnique({ where: { name } })) continue;
        await tx.organizationRole.create({
          data: {
            name,
            description: role.description,
            scopes: { create: role.permissions.map((permission) => ({ scopeId: idOf.get(permission)! })) },
          },
        });
        createdRoles.push(name);
      }
      return { createdPermissions, createdRoles };
    },
    (result) => ({ action: "template.seeded", data: result }),
  );
}
