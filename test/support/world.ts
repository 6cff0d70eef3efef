// A larger organization for counting statements and benchmarks: `size` members, each holding two
// roles of three permissions each.
import type { PrismaClient } from "../../src/db/index.js";

export async function organizationWithMembers(prisma: PrismaClient, size: number, tag = `${Date.now()}`) {
  const organization = await prisma.organization.create({ data: { name: `Big ${tag}` } });
  const roles = await Promise.all(
    ["reader", "writer"].map((kind) =>
      prisma.organizationRole.create({
        data: {
          name: `${kind}-${tag}`,
          scopes: { create: [1, 2, 3].map((n) => ({ scope: { create: { name: `${kind}:${n}:${tag}` } } })) },
        },
      }),
    ),
  );
  await prisma.user.createMany({ data: Array.from({ length: size }, (_, i) => ({ name: `Member ${i}`, primaryEmail: `m${i}.${tag}@example.test` })) });
  const users = await prisma.user.findMany({ where: { primaryEmail: { endsWith: `.${tag}@example.test` } }, select: { id: true } });
  await prisma.organizationMembership.createMany({ data: users.map((user) => ({ organizationId: organization.id, userId: user.id })) });
  await prisma.organizationUserRole.createMany({
    data: users.flatMap((user) => roles.map((role) => ({ organizationId: organization.id, userId: user.id, roleId: role.id }))),
  });
  return { organization, roles, users };
}

export const MEMBER_PAGE = `query ($id: ID!, $first: Int!) {
  organization(id: $id) {
    members(first: $first) {
      totalCount
      edges { node {
        joinedAt
        user { id name primaryEmail }
        roles { id name organizationScopes { name } }
        permissions
      } }
    }
  }
}`;
