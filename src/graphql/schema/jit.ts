// Just-in-time provisioning of an organization: the email domains whose new users join it, and
// the roles they get. Management tokens only (`organizations:read` / `organizations:write`).
import { changeJitEmailDomains, changeJitRoles } from "../../domain/jit.js";
import type { Prisma } from "../../db/index.js";
import { manage } from "../auth/rules.js";
import { builder } from "../builder.js";
import { type GraphQLContext, domain } from "../context.js";
import { linkedRoles } from "../held-roles.js";
import { Organization } from "./organization.js";
import { OrganizationRole } from "./template.js";

const canReadJit = manage("organizations:read");
const canWriteJit = manage("organizations:write");

builder.prismaObjectFields(Organization, (t) => ({
  jitEmailDomains: t.stringList({
    // Nullable like the organization's other management-only fields: an organization token
    // selecting it loses this field, not the whole organization.
    nullable: true,
    description:
      "Users created from a trusted issuer's token with a verified email at one of these domains (exact match) join the organization. " +
      "Management tokens only.",
    auth: canReadJit,
    select: { jitDomains: { select: { emailDomain: true }, orderBy: { emailDomain: "asc" } } },
    resolve: (organization) => organization.jitDomains.map((link) => link.emailDomain),
  }),
  jitRoles: t.field({
    ...linkedRoles(OrganizationRole, "jitRoles"),
    nullable: true,
    description: "The roles users get when they join just in time, by name. Management tokens only.",
    auth: canReadJit,
  }),
}));

const EmailDomainsInput = builder.inputType("OrganizationJitEmailDomainsInput", {
  fields: (t) => ({
    organizationId: t.id({ required: true }),
    emailDomains: t.stringList({
      required: true,
      description: "Domain names such as example.com (a leading @ is dropped; stored lower-case); at most 100.",
    }),
  }),
});

const RolesInput = builder.inputType("OrganizationJitRolesInput", {
  fields: (t) => ({
    organizationId: t.id({ required: true }),
    roleIds: t.idList({ description: "USER roles by id." }),
    roleNames: t.stringList({ description: "USER roles by name." }),
  }),
});

const organizationOf = (query: OrganizationQuery, context: GraphQLContext, organization: { id: string }) =>
  context.prisma.organization.findUniqueOrThrow({ ...query, where: { id: organization.id } });
type OrganizationQuery = { include?: Prisma.OrganizationInclude; select?: Prisma.OrganizationSelect };

// Each mutation by its real name; the domain's `changeJit…` functions take how the set changes.
builder.mutationFields((t) => ({
  addOrganizationJitEmailDomains: t.prismaField({
    type: Organization,
    description: "Adds JIT email domains to the organization; ones it has stay as they are.",
    auth: canWriteJit,
    args: { input: t.arg({ type: EmailDomainsInput, required: true }) },
    resolve: async (query, _parent, { input: { organizationId, ...changes } }, context) =>
      organizationOf(query, context, await changeJitEmailDomains(domain(context), organizationId, "add", changes)),
  }),
  removeOrganizationJitEmailDomains: t.prismaField({
    type: Organization,
    description: "Removes JIT email domains from the organization.",
    auth: canWriteJit,
    args: { input: t.arg({ type: EmailDomainsInput, required: true }) },
    resolve: async (query, _parent, { input: { organizationId, ...changes } }, context) =>
      organizationOf(query, context, await changeJitEmailDomains(domain(context), organizationId, "remove", changes)),
  }),
  setOrganizationJitEmailDomains: t.prismaField({
    type: Organization,
    description: "Makes the organization's JIT email domains exactly these, in one transaction.",
    auth: canWriteJit,
    args: { input: t.arg({ type: EmailDomainsInput, required: true }) },
    resolve: async (query, _parent, { input: { organizationId, ...changes } }, context) =>
      organizationOf(query, context, await changeJitEmailDomains(domain(context), organizationId, "replace", changes)),
  }),
  addOrganizationJitRoles: t.prismaField({
    type: Organization,
    description: "Adds JIT roles (USER roles, by id or name) to the organization; ones it has stay as they are.",
    auth: canWriteJit,
    args: { input: t.arg({ type: RolesInput, required: true }) },
    resolve: async (query, _parent, { input: { organizationId, ...changes } }, context) =>
      organizationOf(query, context, await changeJitRoles(domain(context), organizationId, "add", changes)),
  }),
  removeOrganizationJitRoles: t.prismaField({
    type: Organization,
    description: "Removes JIT roles (USER roles, by id or name) from the organization.",
    auth: canWriteJit,
    args: { input: t.arg({ type: RolesInput, required: true }) },
    resolve: async (query, _parent, { input: { organizationId, ...changes } }, context) =>
      organizationOf(query, context, await changeJitRoles(domain(context), organizationId, "remove", changes)),
  }),
  setOrganizationJitRoles: t.prismaField({
    type: Organization,
    description: "Makes the organization's JIT roles (USER roles, by id or name) exactly these, in one transaction.",
    auth: canWriteJit,
    args: { input: t.arg({ type: RolesInput, required: true }) },
    resolve: async (query, _parent, { input: { organizationId, ...changes } }, context) =>
      organizationOf(query, context, await changeJitRoles(domain(context), organizationId, "replace", changes)),
  }),
}));
