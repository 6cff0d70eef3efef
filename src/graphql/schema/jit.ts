// Just-in-time provisioning of an organization: the email domains whose new users join it, and
// the roles they get. Management tokens only (`organizations:read` / `organizations:write`).
import { changeJitEmailDomains, changeJitRoles } from "../../domain/jit.js";
import type { SetChange } from "../../domain/template.js";
import { manage } from "../auth/rules.js";
import { builder } from "../builder.js";
import { domain } from "../context.js";
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

const verbs: { verb: string; how: SetChange; description: string }[] = [
  { verb: "add", how: "add", description: "Adds %s to the organization; ones it has stay as they are." },
  { verb: "remove", how: "remove", description: "Removes %s from the organization." },
  { verb: "set", how: "replace", description: "Makes the organization's %s exactly these, in one transaction." },
];

/** `add…`, `remove…` and `set…` mutations of one JIT set, each returning the organization. */
function jitMutations(
  noun: "EmailDomains" | "Roles",
  what: string,
  Input: typeof EmailDomainsInput | typeof RolesInput,
  run: typeof changeJitEmailDomains | typeof changeJitRoles,
) {
  builder.mutationFields((t) =>
    Object.fromEntries(
      verbs.map(({ verb, how, description }) => [
        `${verb}OrganizationJit${noun}`,
        t.prismaField({
          type: Organization,
          description: description.replace("%s", what),
          auth: canWriteJit,
          args: { input: t.arg({ type: Input, required: true }) },
          resolve: async (query, _parent, { input: { organizationId, ...changes } }, context) => {
            const { id } = await run(domain(context), organizationId, how, changes);
            return context.prisma.organization.findUniqueOrThrow({ ...query, where: { id } });
          },
        }),
      ]),
    ),
  );
}

jitMutations("EmailDomains", "JIT email domains", EmailDomainsInput, changeJitEmailDomains);
jitMutations("Roles", "JIT roles (USER roles, by id or name)", RolesInput, changeJitRoles);
