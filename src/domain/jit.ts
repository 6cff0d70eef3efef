// Just-in-time provisioning by email domain. An organization lists email domains and the roles
// (USER roles only) that people joining this way get. A user whom Gatehouse creates from a trusted
// issuer's token, with a verified email at one of those domains, joins the organization with those
// roles, in the transaction that creates the user. Domains match exactly (no subdomains) and
// case-insensitively (the column is citext; they are also stored lower-case). docs/jit.md says
// why existing users and users created by the management API are not provisioned.
import { z } from "zod";
import type { Organization } from "../generated/prisma/client.js";
import { eventOf, recordAudits } from "./audit.js";
import { type DomainContext, type Transaction, change } from "./context.js";
import { parseInput } from "./input.js";
import { lockOrganization, resolveRoles, roleRefs, userMembers } from "./members.js";
import type { SetChange } from "./template.js";

/** Lower-case labels of letters, digits and inner hyphens (at most 63 each), two labels at least. */
const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** An email domain as stored: trimmed, lower-case, without a leading `@`. */
export const emailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => value.replace(/^@/, ""))
  .pipe(
    z
      .string()
      .max(253, "must be at most 253 characters")
      .regex(HOSTNAME, "must be a domain name with at least one dot, such as example.com"),
  );

const domainsInput = z.object({
  emailDomains: z
    .array(emailDomain, { error: "must be a list of domain names" })
    .max(100, "must hold at most 100 domains")
    .transform((domains) => [...new Set(domains)]),
});

const rolesInput = z.object(roleRefs);

/** Adds (idempotently), removes, or replaces the organization's JIT email domains. */
export async function changeJitEmailDomains(
  context: DomainContext,
  organizationId: string,
  how: SetChange,
  input: unknown,
): Promise<Organization> {
  const { emailDomains } = parseInput(domainsInput, input);
  return changeJitSet(context, organizationId, how, "email_domains", async (tx) => {
    if (how !== "add") {
      await tx.organizationJitDomain.deleteMany({
        where: { organizationId, ...(how === "replace" ? {} : { emailDomain: { in: emailDomains } }) },
      });
    }
    if (how !== "remove") {
      await tx.organizationJitDomain.createMany({
        data: emailDomains.map((domain) => ({ organizationId, emailDomain: domain })),
        skipDuplicates: true,
      });
    }
    return { emailDomains };
  });
}

/** Adds (idempotently), removes, or replaces the organization's JIT roles, named by id or name. */
export async function changeJitRoles(
  context: DomainContext,
  organizationId: string,
  how: SetChange,
  input: unknown,
): Promise<Organization> {
  const refs = parseInput(rolesInput, input);
  return changeJitSet(context, organizationId, how, "roles", async (tx) => {
    // Members who join just in time are users: only USER roles (ROLE_TYPE_MISMATCH otherwise).
    const roleIds = (await resolveRoles(tx, userMembers, refs)).map((role) => role.id);
    if (how !== "add") {
      await tx.organizationJitRole.deleteMany({
        where: { organizationId, ...(how === "replace" ? {} : { roleId: { in: roleIds } }) },
      });
    }
    if (how !== "remove") {
      await tx.organizationJitRole.createMany({
        data: roleIds.map((roleId) => ({ organizationId, roleId })),
        skipDuplicates: true,
      });
    }
    return { roleIds };
  });
}

const jitEvents = {
  email_domains: {
    add: "organization.jit_email_domains_added",
    remove: "organization.jit_email_domains_removed",
    replace: "organization.jit_email_domains_replaced",
  },
  roles: { add: "organization.jit_roles_added", remove: "organization.jit_roles_removed", replace: "organization.jit_roles_replaced" },
} as const;

/** Runs `write` on the locked organization, in one transaction with its audit event. */
async function changeJitSet(
  context: DomainContext,
  organizationId: string,
  how: SetChange,
  set: keyof typeof jitEvents,
  write: (tx: Transaction) => Promise<{ emailDomains: string[] } | { roleIds: string[] }>,
): Promise<Organization> {
  const { organization } = await change(
    context,
    async (tx) => {
      const organization = await lockOrganization(tx, organizationId);
      return { organization, data: await write(tx) };
    },
    ({ data }) => eventOf(jitEvents[set][how], { targetId: organizationId, organizationId, data }),
  );
  return organization;
}

/** The domain of an email address: what follows its last `@`, lower-case; undefined without one. */
export function emailDomainOf(email: string): string | undefined {
  const at = email.lastIndexOf("@");
  const domain = email.slice(at + 1).toLowerCase();
  return at > 0 && domain ? domain : undefined;
}

/**
 * Makes the user — just created, with this verified email — a member of every organization with a
 * JIT domain equal to the email's, with that organization's JIT roles, and records one audit event
 * per organization joined. Returns the ids of the organizations joined.
 */
export async function provisionJustInTime(tx: Transaction, userId: string, verifiedEmail: string): Promise<string[]> {
  const domain = emailDomainOf(verifiedEmail);
  if (!domain) return [];
  const matches = await tx.organizationJitDomain.findMany({
    where: { emailDomain: domain },
    select: { organizationId: true, organization: { select: { jitRoles: { select: { roleId: true } } } } },
    orderBy: { organizationId: "asc" },
  });
  if (matches.length === 0) return [];
  await tx.organizationMembership.createMany({
    data: matches.map(({ organizationId }) => ({ organizationId, userId })),
    skipDuplicates: true,
  });
  await tx.organizationUserRole.createMany({
    data: matches.flatMap(({ organizationId, organization }) =>
      organization.jitRoles.map(({ roleId }) => ({ organizationId, userId, roleId })),
    ),
    skipDuplicates: true,
  });
  await recordAudits(
    tx,
    matches.map(({ organizationId, organization }) => ({
      actor: `user:${userId}`,
      action: "organization.user_provisioned",
      targetId: userId,
      organizationId,
      data: { emailDomain: domain, roleIds: organization.jitRoles.map(({ roleId }) => roleId) },
    })),
  );
  return matches.map(({ organizationId }) => organizationId);
}
