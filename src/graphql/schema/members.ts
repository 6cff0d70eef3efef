// Members of an organization — users and M2M applications — with their organization roles.
import {
  type MemberKind,
  addMembers,
  applicationMembers,
  assignRoles,
  removeMember,
  setMemberRoles,
  setMembers,
  unassignRoles,
  userMembers,
} from "../../domain/members.js";
import { inOrganization, manage } from "../auth/rules.js";
import { type InputFieldBuilder, builder } from "../builder.js";
import { type GraphQLContext, domain, organizationCaller } from "../context.js";
import { SEARCH_DESCRIPTION } from "../search.js";
import { Organization } from "./organization.js";
import { OrganizationRole } from "./template.js";

const canReadMembers = inOrganization({
  permission: "read:members",
  manage: "organizations:read",
  organizationId: (member: { organizationId: string }) => member.organizationId,
});
const canReadApplications = inOrganization({
  permission: "read:applications",
  manage: "organizations:read",
  organizationId: (member: { organizationId: string }) => member.organizationId,
});
/** The same permissions, on the organization's own fields. */
const canListMembers = inOrganization({
  permission: "read:members",
  manage: "organizations:read",
  organizationId: (organization: { id: string }) => organization.id,
});
const canListApplications = inOrganization({
  permission: "read:applications",
  manage: "organizations:read",
  organizationId: (organization: { id: string }) => organization.id,
});

/** Effective organization permissions from a member's roles, sorted and without repeats. */
function permissionsOf(roles: { role: { scopes: { scope: { name: string } }[] } }[]): string[] {
  return [...new Set(roles.flatMap(({ role }) => role.scopes.map(({ scope }) => scope.name)))].sort();
}
/** Same relation and order as the `roles` field, so Pothos merges both into one load. */
const permissionSelection = {
  roles: {
    select: { role: { select: { scopes: { select: { scope: { select: { name: true } } } } } } },
    orderBy: { role: { name: "asc" } },
  },
} as const;

export const OrganizationMember = builder.prismaObject("OrganizationMembership", {
  name: "OrganizationMember",
  description: "A user's membership in an organization, with their organization roles.",
  auth: canReadMembers,
  fields: (t) => ({
    organization: t.relation("organization"),
    user: t.relation("user"),
    roles: t.field({
      type: [OrganizationRole],
      description: "Their organization roles, by name.",
      select: (_args, _context, nested) => ({
        roles: { select: { role: nested(true) }, orderBy: { role: { name: "asc" } } },
      }),
      resolve: (member) => member.roles.map((link) => link.role),
    }),
    permissions: t.stringList({
      description: "The organization permissions their roles grant here (what an organization token would carry).",
      select: permissionSelection,
      resolve: (member) => permissionsOf(member.roles),
    }),
    joinedAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const OrganizationApplicationMember = builder.prismaObject("OrganizationApplication", {
  name: "OrganizationApplicationMember",
  description: "An M2M application in an organization, with its organization roles.",
  auth: canReadApplications,
  fields: (t) => ({
    organization: t.relation("organization"),
    application: t.relation("application"),
    roles: t.field({
      type: [OrganizationRole],
      select: (_args, _context, nested) => ({
        roles: { select: { role: nested(true) }, orderBy: { role: { name: "asc" } } },
      }),
      resolve: (member) => member.roles.map((link) => link.role),
    }),
    permissions: t.stringList({
      select: permissionSelection,
      resolve: (member) => permissionsOf(member.roles),
    }),
    joinedAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

/** The Prisma filter of a member list: search over the user's texts, and a role filter. */
function memberFilter(args: { search?: string | null; roleId?: string | null; roleName?: string | null }) {
  const term = args.search?.trim();
  const contains = term ? { contains: term, mode: "insensitive" as const } : undefined;
  return {
    ...(contains
      ? {
          user: {
            OR: [{ id: term! }, { name: contains }, { primaryEmail: contains }, { username: contains }],
          },
        }
      : {}),
    ...(args.roleId || args.roleName
      ? { roles: { some: { role: { ...(args.roleId ? { id: args.roleId } : {}), ...(args.roleName ? { name: args.roleName } : {}) } } } }
      : {}),
  };
}

builder.prismaObjectFields(Organization, (t) => ({
  members: t.relatedConnection("members", {
    cursor: "organizationId_userId",
    nullable: true,
    description: "Members, oldest first, each with their roles.",
    auth: canListMembers,
    totalCount: true,
    args: {
      search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name, email and username.` }),
      roleId: t.arg.id({ description: "Only members holding this role." }),
      roleName: t.arg.string({ description: "Only members holding the role of this name." }),
    },
    query: (args) => ({ where: memberFilter(args), orderBy: [{ createdAt: "asc" }, { userId: "asc" }] }),
  }),
  member: t.prismaField({
    type: OrganizationMember,
    nullable: true,
    description: "One member, by user id; null when the user is not a member.",
    auth: canListMembers,
    args: { userId: t.arg.id({ required: true }) },
    resolve: (query, organization, args, context) =>
      context.prisma.organizationMembership.findUnique({
        ...query,
        where: { organizationId_userId: { organizationId: organization.id, userId: args.userId } },
      }),
  }),
  applications: t.relatedConnection("applications", {
    cursor: "organizationId_applicationId",
    nullable: true,
    description: "M2M applications of the organization, oldest first, each with its roles.",
    auth: canListApplications,
    totalCount: true,
    args: { roleId: t.arg.id({ description: "Only applications holding this role." }) },
    query: (args) => ({
      where: args.roleId ? { roles: { some: { roleId: args.roleId } } } : {},
      orderBy: [{ createdAt: "asc" }, { applicationId: "asc" }],
    }),
  }),
}));

// ---------------------------------------------------------------------------------------------
// Mutations: one set for users, one for applications, built from the same pattern.
// ---------------------------------------------------------------------------------------------

/** Input fields naming organization roles, by id or by name. */
export const roleRefFields = (t: InputFieldBuilder) => ({
  roleIds: t.idList({ description: "Roles by id." }),
  roleNames: t.stringList({ description: "Roles by name." }),
});

const canWriteMembers = manage("organizations:write");

/** The member inputs share `organizationId`; their other fields are named after the kind. */
type MemberInput = { organizationId: string } & Record<string, unknown>;
const asMemberInput = (input: object) => input as MemberInput;

interface MutationNames {
  kind: MemberKind;
  /** `Member` or `Application`, in type and mutation names. */
  noun: "Member" | "Application";
  plural: "Members" | "Applications";
  /** Organization permissions that open a mutation to organization tokens (the organization plane). */
  organizationPlane?: { remove: string; roles: string };
}

/** Management `organizations:write`, or — when given — the organization permission in that organization. */
function writeRule(permission: string | undefined) {
  if (!permission) return canWriteMembers;
  return inOrganization<unknown, { input: object }>({
    permission,
    manage: "organizations:write",
    organizationId: (_parent, args) => asMemberInput(args.input).organizationId,
  });
}

function memberMutations({ kind, noun, plural, organizationPlane }: MutationNames) {
  const many = kind.idsField;
  const one = kind.idField;
  const node = kind.name === "user" ? OrganizationMember : OrganizationApplicationMember;
  const AddInput = builder.inputType(`AddOrganization${plural}Input`, {
    fields: (t) => ({ organizationId: t.id({ required: true }), [many]: t.idList({ required: true }), ...roleRefFields(t) }),
  });
  const SetInput = builder.inputType(`SetOrganization${plural}Input`, {
    fields: (t) => ({ organizationId: t.id({ required: true }), [many]: t.idList({ required: true }) }),
  });
  const RemoveInput = builder.inputType(`RemoveOrganization${noun}Input`, {
    fields: (t) => ({ organizationId: t.id({ required: true }), [one]: t.id({ required: true }) }),
  });
  const RolesInput = builder.inputType(`Organization${noun}RolesInput`, {
    fields: (t) => ({ organizationId: t.id({ required: true }), [many]: t.idList({ required: true }), ...roleRefFields(t) }),
  });
  const SetRolesInput = builder.inputType(`SetOrganization${noun}RolesInput`, {
    fields: (t) => ({ organizationId: t.id({ required: true }), [one]: t.id({ required: true }), ...roleRefFields(t) }),
  });

  /** The members `ids` of the organization, as the client selected them. */
  const reload = (query: object, context: GraphQLContext, organizationId: string, ids: string[]) =>
    kind.name === "user"
      ? context.prisma.organizationMembership.findMany({
          ...query,
          where: { organizationId, userId: { in: ids } },
          orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
        })
      : context.prisma.organizationApplication.findMany({
          ...query,
          where: { organizationId, applicationId: { in: ids } },
          orderBy: [{ createdAt: "asc" }, { applicationId: "asc" }],
        });

  builder.mutationFields((t) => ({
    [`addOrganization${plural}`]: t.prismaField({
      type: [node] as never,
      description: `Adds ${kind.name}s (already-members stay as they are) and gives each the roles named. Returns them.`,
      auth: canWriteMembers,
      args: { input: t.arg({ type: AddInput, required: true }) },
      resolve: async (query, _parent, args, context) => {
        const input = asMemberInput(args.input);
        const { memberIds } = await addMembers(domain(context), kind, input.organizationId, input);
        return reload(query, context, input.organizationId, memberIds) as never;
      },
    }),
    [`setOrganization${plural}`]: t.field({
      type: Organization,
      description: `Makes the organization's ${kind.name}s exactly these, in one transaction: others leave with their roles.`,
      auth: canWriteMembers,
      args: { input: t.arg({ type: SetInput, required: true }) },
      resolve: async (_parent, args, context) => {
        const input = asMemberInput(args.input);
        await setMembers(domain(context), kind, input.organizationId, input);
        return context.prisma.organization.findUniqueOrThrow({ where: { id: input.organizationId } });
      },
    }),
    [`removeOrganization${noun}`]: t.id({
      description: `Removes one ${kind.name} and its roles there. Returns its id.`,
      auth: writeRule(organizationPlane?.remove),
      args: { input: t.arg({ type: RemoveInput, required: true }) },
      resolve: (_parent, args, context) => {
        const input = asMemberInput(args.input);
        return removeMember(domain(context), kind, input.organizationId, String(input[one]), organizationCaller(context));
      },
    }),
    [`assignOrganization${noun}Roles`]: t.prismaField({
      type: [node] as never,
      description: `Gives every ${kind.name} listed every role named (by id or name). They must be members.`,
      auth: writeRule(organizationPlane?.roles),
      args: { input: t.arg({ type: RolesInput, required: true }) },
      resolve: async (query, _parent, args, context) => {
        const input = asMemberInput(args.input);
        const { memberIds } = await assignRoles(domain(context), kind, input.organizationId, input, organizationCaller(context));
        return reload(query, context, input.organizationId, memberIds) as never;
      },
    }),
    [`unassignOrganization${noun}Roles`]: t.prismaField({
      type: [node] as never,
      description: `Takes the roles named from every ${kind.name} listed.`,
      auth: writeRule(organizationPlane?.roles),
      args: { input: t.arg({ type: RolesInput, required: true }) },
      resolve: async (query, _parent, args, context) => {
        const input = asMemberInput(args.input);
        const { memberIds } = await unassignRoles(domain(context), kind, input.organizationId, input, organizationCaller(context));
        return reload(query, context, input.organizationId, memberIds) as never;
      },
    }),
    [`setOrganization${noun}Roles`]: t.prismaField({
      type: node as never,
      description: `Makes one ${kind.name}'s roles exactly those named, in one transaction.`,
      auth: writeRule(organizationPlane?.roles),
      args: { input: t.arg({ type: SetRolesInput, required: true }) },
      resolve: async (query, _parent, args, context) => {
        const input = asMemberInput(args.input);
        const { memberId } = await setMemberRoles(domain(context), kind, input.organizationId, input, organizationCaller(context));
        const [member] = await reload(query, context, input.organizationId, [memberId]);
        return member as never;
      },
    }),
  }));
}

memberMutations({
  kind: userMembers,
  noun: "Member",
  plural: "Members",
  organizationPlane: { remove: "remove:members", roles: "assign:roles" },
});
memberMutations({ kind: applicationMembers, noun: "Application", plural: "Applications" });
