// Demo data for trying Gatehouse in GraphiQL: two organizations with a few members and roles.
// Idempotent: demo users are recognized by their example.com emails.
import type { DomainContext } from "./context.js";
import { addMembers, userMembers } from "./members.js";
import { createOrganization } from "./organizations.js";

const people = [
  { name: "Ada Lovelace", primaryEmail: "ada@example.com", mfaEnrolled: true },
  { name: "Grace Hopper", primaryEmail: "grace@example.com", mfaEnrolled: true },
  { name: "Alan Turing", primaryEmail: "alan@example.com", mfaEnrolled: false },
];

export async function seedDemo(context: DomainContext): Promise<{ organizations: number; users: number }> {
  const { prisma } = context;
  if (await prisma.user.findUnique({ where: { primaryEmail: people[0]!.primaryEmail } })) return { organizations: 0, users: 0 };
  const [ada, grace, alan] = await Promise.all(people.map((data) => prisma.user.create({ data })));
  const acme = await createOrganization(context, { name: "Acme", description: "Demo organization" });
  const globex = await createOrganization(context, { name: "Globex", description: "Demo organization that requires MFA", isMfaRequired: true });
  await addMembers(context, userMembers, acme.id, { userIds: [ada!.id], roleNames: ["admin"] });
  await addMembers(context, userMembers, acme.id, { userIds: [grace!.id, alan!.id], roleNames: ["member"] });
  await addMembers(context, userMembers, globex.id, { userIds: [grace!.id], roleNames: ["admin"] });
  return { organizations: 2, users: people.length };
}

export interface DemoOrganization {
  id: string;
  name: string;
  members: { email: string; roles: string[] }[];
}

/** The demo organizations as they are now, with their members' emails and roles (for the start-up banner). */
export async function demoOrganizations(context: Pick<DomainContext, "prisma">): Promise<DemoOrganization[]> {
  const emails = people.map((person) => person.primaryEmail);
  const organizations = await context.prisma.organization.findMany({
    where: { name: { in: ["Acme", "Globex"] }, members: { some: { user: { primaryEmail: { in: emails } } } } },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      members: {
        where: { user: { primaryEmail: { in: emails } } },
        select: { user: { select: { primaryEmail: true } }, roles: { select: { role: { select: { name: true } } } } },
      },
    },
  });
  return organizations.map((organization) => ({
    id: organization.id,
    name: organization.name,
    members: organization.members
      .map((member) => ({ email: member.user.primaryEmail ?? "", roles: member.roles.map((link) => link.role.name).sort() }))
      .sort((a, b) => emails.indexOf(a.email) - emails.indexOf(b.email)),
  }));
}
