// Members of an organization — users and M2M applications — with their organization roles.
import { prismaConnectionHelpers } from "@pothos/plugin-prisma";
import type { Prisma } from "../../db/index.js";
import {
  addMembers,
  applicationMembers,
  assignRoles,
  removeMember,
  setMemberRoles,
  setMembers,
  unassignRoles,
  userMembers,
} from "../../domain/members.js";
import { countMembers, type MemberRow, readMemberPage, readMembers } from "../../domain/member-reads.js";
import { assertThat } from "../../errors.js";
import { inOrganization, manage } from "../auth/rules.js";
import { type InputFieldBuilder, builder } from "../builder.js";
import { type GraphQLContext, domain, organizationCaller } from "../context.js";
import { templatePermissions, templateRoles } from "../held-roles.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";
import { Organization } from "./organization.js";
import { OrganizationRole } from "./template.js";
import { Application } from "./applications.js";
import { User } from "./users.js";

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

/**
 * `OrganizationApplicationMember.application`: the relation, and the membership row it is read
 * from recorded as read (`MembershipCheck`), so that `applicationVisible` asks nothing more of the
 * database for an organization token's own members (as `OrganizationMember.user` does for users).
 */
const memberApplication = {
  type: Application,
  select: (_args: unknown, _context: unknown, nested: (selection: true) => object) =>
    ({ application: nested(true) }) as { application: object },
  resolve: <A>(member: { organizationId: string; applicationId: string; application: A }, _args: unknown, context: GraphQLContext) => {
    context.loaders.applicationMembership.readMembership(member.organizationId, member.applicationId);
    return member.application;
  },
};

/** An application member's role ids: the same selection for `roles` and `permissions`, so Pothos loads them once. */
const roleIdSelection = { roles: { select: { roleId: true } } } as const;

/**
 * A user member, as `readMemberPage`/`readMembers` read it: the membership, its user and its role
 * ids in one row, the roles themselves from the template in memory (docs/performance.md, "Member page").
 */
export const OrganizationMember = builder.objectRef<MemberRow>("OrganizationMember").implement({
  description: "A user's membership in an organization, with their organization roles.",
  auth: canReadMembers,
  fields: (t) => ({
    organization: t.prismaField({
      type: Organization,
      resolve: (query, member, _args, context) =>
        context.prisma.organization.findUniqueOrThrow({ ...query, where: { id: member.organizationId } }),
    }),
    user: t.field({
      type: User,
      // The membership row the user is read with, recorded as read (`MembershipCheck`), so that
      // `userVisible` asks nothing more of the database for an organization token's own members:
      // on the member page that check would otherwise cost one more statement per request and a
      // promise per member. The rule itself is unchanged — visible to an organization token when
      // the user is a member of the token's organization — and only a row of that very
      // membership, read in this request, answers it without a lookup.
      resolve: (member, _args, context) => {
        context.loaders.userMembership.readMembership(member.organizationId, member.userId);
        return member.user;
      },
    }),
    roles: t.field({
      type: [OrganizationRole],
      description: "Their organization roles, by name.",
      resolve: (member, _args, context) => templateRoles(context, member.roleIds),
    }),
    permissions: t.stringList({
      description: "The organization permissions their roles grant here (what an organization token would carry).",
      resolve: (member, _args, context) => templatePermissions(context, member.roleIds),
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
    application: t.field(memberApplication),
    roles: t.field({
      type: [OrganizationRole],
      select: roleIdSelection,
      resolve: (member, _args, context) => templateRoles(context, member.roles.map((link) => link.roleId)),
    }),
    permissions: t.stringList({
      select: roleIdSelection,
      resolve: (member, _args, context) => templatePermissions(context, member.roles.map((link) => link.roleId)),
    }),
    joinedAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

/** The Prisma filter of an application list: search over the application's name and description (as `applications(search:)`), and a role filter. */
function applicationFilter(args: { search?: string | null; roleId?: string | null }) {
  const application = searchWhere(args.search, ["name", "description"]);
  return {
    ...(application.OR ? { application } : {}),
    ...(args.roleId ? { roles: { some: { roleId: args.roleId } } } : {}),
  };
}

/**
 * Pages of memberships as Pothos pages Prisma lists: the same arguments and their checks, page
 * sizes, cursors and page info. Typed for Prisma's membership rows; the rows it gets are
 * `MemberRow`s (those fields and more), which `resolveNode` says.
 */
const memberPages = prismaConnectionHelpers(builder, "OrganizationMembership", {
  cursor: "organizationId_userId",
  resolveNode: (membership) => membership as MemberRow,
});

builder.prismaObjectFields(Organization, (t) => ({
  members: t.connection(
    {
      type: OrganizationMember,
      nullable: true,
      description: "Members, oldest first, each with their roles.",
      auth: canListMembers,
      args: {
        search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name, email and username.` }),
        roleId: t.arg.id({ description: "Only members holding this role." }),
        roleName: t.arg.string({ description: "Only members holding the role of this name." }),
      },
      resolve: async (organization, args, context) => {
        // Pothos's own arguments checks, page size and cursors, as every Prisma-backed list has them.
        const { take, cursor } = memberPages.getQuery(args, context, () => true);
        // `take` is always set: the page size, negative for a page before the cursor (or the last ones).
        const members = await readMemberPage(context.db, organization.id, args, { take: take!, cursor: cursor?.organizationId_userId });
        return { ...memberPages.resolve(members, args, context, organization), count: () => countMembers(context.db, organization.id, args) };
      },
    },
    { fields: (t) => ({ totalCount: t.int({ resolve: (connection) => connection.count() }) }) },
  ),
  member: t.field({
    type: OrganizationMember,
    nullable: true,
    description: "One member, by user id; null when the user is not a member.",
    auth: canListMembers,
    args: { userId: t.arg.id({ required: true }) },
    resolve: async (organization, args, context) => (await readMembers(context.db, organization.id, [args.userId]))[0] ?? null,
  }),
  applications: t.relatedConnection("applications", {
    cursor: "organizationId_applicationId",
    nullable: true,
    description: "M2M applications of the organization, oldest first, each with its roles.",
    auth: canListApplications,
    totalCount: true,
    args: {
      search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name and description.` }),
      roleId: t.arg.id({ description: "Only applications holding this role." }),
    },
    query: (args) => ({ where: applicationFilter(args), orderBy: [{ createdAt: "asc" }, { applicationId: "asc" }] }),
  }),
}));

// ---------------------------------------------------------------------------------------------
// Mutations: one set for users, one for applications. Each is declared by its real name; they share
// their bodies through the domain functions, which take the member kind.
// ---------------------------------------------------------------------------------------------

/** Input fields naming organization roles, by id or by name. */
export const roleRefFields = (t: InputFieldBuilder) => ({
  roleIds: t.idList({ description: "Roles by id." }),
  roleNames: t.stringList({ description: "Roles by name." }),
});

const canWriteMembers = manage("organizations:write");

/** Management `organizations:write`, or `permission` in the organization the input names (the organization plane). */
const inInputOrganization = (permission: string) =>
  inOrganization<unknown, { input: { organizationId: string } }>({
    permission,
    manage: "organizations:write",
    organizationId: (_parent, args) => args.input.organizationId,
  });

type ApplicationQuery = { include?: Prisma.OrganizationApplicationInclude; select?: Prisma.OrganizationApplicationSelect };

/** The user members `userIds` of the organization. */
const userMembersOf = (context: GraphQLContext, organizationId: string, userIds: string[]) => readMembers(context.db, organizationId, userIds);

/** The application members `applicationIds` of the organization, as the client selected them. */
const applicationMembersOf = (query: ApplicationQuery, context: GraphQLContext, organizationId: string, applicationIds: string[]) =>
  context.prisma.organizationApplication.findMany({
    ...query,
    where: { organizationId, applicationId: { in: applicationIds } },
    orderBy: [{ createdAt: "asc" }, { applicationId: "asc" }],
  });

const organizationById = (context: GraphQLContext, id: string) => context.prisma.organization.findUniqueOrThrow({ where: { id } });

// Users.

const AddOrganizationMembersInput = builder.inputType("AddOrganizationMembersInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), userIds: t.idList({ required: true }), ...roleRefFields(t) }),
});
const SetOrganizationMembersInput = builder.inputType("SetOrganizationMembersInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), userIds: t.idList({ required: true }) }),
});
const RemoveOrganizationMemberInput = builder.inputType("RemoveOrganizationMemberInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), userId: t.id({ required: true }) }),
});
const OrganizationMemberRolesInput = builder.inputType("OrganizationMemberRolesInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), userIds: t.idList({ required: true }), ...roleRefFields(t) }),
});
const SetOrganizationMemberRolesInput = builder.inputType("SetOrganizationMemberRolesInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), userId: t.id({ required: true }), ...roleRefFields(t) }),
});

builder.mutationFields((t) => ({
  addOrganizationMembers: t.field({
    type: [OrganizationMember],
    description: "Adds users (already-members stay as they are) and gives each the roles named. Returns them.",
    auth: canWriteMembers,
    args: { input: t.arg({ type: AddOrganizationMembersInput, required: true }) },
    resolve: async (_parent, { input }, context) => {
      const { memberIds } = await addMembers(domain(context), userMembers, input.organizationId, input);
      return userMembersOf(context, input.organizationId, memberIds);
    },
  }),
  setOrganizationMembers: t.field({
    type: Organization,
    description: "Makes the organization's users exactly these, in one transaction: others leave with their roles.",
    auth: canWriteMembers,
    args: { input: t.arg({ type: SetOrganizationMembersInput, required: true }) },
    resolve: async (_parent, { input }, context) => {
      await setMembers(domain(context), userMembers, input.organizationId, input);
      return organizationById(context, input.organizationId);
    },
  }),
  removeOrganizationMember: t.id({
    description: "Removes one user and its roles there. Returns its id.",
    auth: inInputOrganization("remove:members"),
    args: { input: t.arg({ type: RemoveOrganizationMemberInput, required: true }) },
    resolve: (_parent, { input }, context) =>
      removeMember(domain(context), userMembers, input.organizationId, input.userId, organizationCaller(context)),
  }),
  assignOrganizationMemberRoles: t.field({
    type: [OrganizationMember],
    description: "Gives every user listed every role named (by id or name). They must be members.",
    auth: inInputOrganization("assign:roles"),
    args: { input: t.arg({ type: OrganizationMemberRolesInput, required: true }) },
    resolve: async (_parent, { input }, context) => {
      const { memberIds } = await assignRoles(domain(context), userMembers, input.organizationId, input, organizationCaller(context));
      return userMembersOf(context, input.organizationId, memberIds);
    },
  }),
  unassignOrganizationMemberRoles: t.field({
    type: [OrganizationMember],
    description: "Takes the roles named from every user listed.",
    auth: inInputOrganization("assign:roles"),
    args: { input: t.arg({ type: OrganizationMemberRolesInput, required: true }) },
    resolve: async (_parent, { input }, context) => {
      const { memberIds } = await unassignRoles(domain(context), userMembers, input.organizationId, input, organizationCaller(context));
      return userMembersOf(context, input.organizationId, memberIds);
    },
  }),
  setOrganizationMemberRoles: t.field({
    type: OrganizationMember,
    description: "Makes one user's roles exactly those named, in one transaction.",
    auth: inInputOrganization("assign:roles"),
    args: { input: t.arg({ type: SetOrganizationMemberRolesInput, required: true }) },
    resolve: async (_parent, { input }, context) => {
      const { memberId } = await setMemberRoles(domain(context), userMembers, input.organizationId, input, organizationCaller(context));
      const [member] = await userMembersOf(context, input.organizationId, [memberId]);
      assertThat(member, "NOT_FOUND", "The user is no longer a member of the organization.", { field: "input.userId" });
      return member;
    },
  }),
}));

// M2M applications: management tokens only.

const AddOrganizationApplicationsInput = builder.inputType("AddOrganizationApplicationsInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), applicationIds: t.idList({ required: true }), ...roleRefFields(t) }),
});
const SetOrganizationApplicationsInput = builder.inputType("SetOrganizationApplicationsInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), applicationIds: t.idList({ required: true }) }),
});
const RemoveOrganizationApplicationInput = builder.inputType("RemoveOrganizationApplicationInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), applicationId: t.id({ required: true }) }),
});
const OrganizationApplicationRolesInput = builder.inputType("OrganizationApplicationRolesInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), applicationIds: t.idList({ required: true }), ...roleRefFields(t) }),
});
const SetOrganizationApplicationRolesInput = builder.inputType("SetOrganizationApplicationRolesInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), applicationId: t.id({ required: true }), ...roleRefFields(t) }),
});

builder.mutationFields((t) => ({
  addOrganizationApplications: t.prismaField({
    type: [OrganizationApplicationMember],
    description: "Adds applications (already-members stay as they are) and gives each the roles named. Returns them.",
    auth: canWriteMembers,
    args: { input: t.arg({ type: AddOrganizationApplicationsInput, required: true }) },
    resolve: async (query, _parent, { input }, context) => {
      const { memberIds } = await addMembers(domain(context), applicationMembers, input.organizationId, input);
      return applicationMembersOf(query, context, input.organizationId, memberIds);
    },
  }),
  setOrganizationApplications: t.field({
    type: Organization,
    description: "Makes the organization's applications exactly these, in one transaction: others leave with their roles.",
    auth: canWriteMembers,
    args: { input: t.arg({ type: SetOrganizationApplicationsInput, required: true }) },
    resolve: async (_parent, { input }, context) => {
      await setMembers(domain(context), applicationMembers, input.organizationId, input);
      return organizationById(context, input.organizationId);
    },
  }),
  removeOrganizationApplication: t.id({
    description: "Removes one application and its roles there. Returns its id.",
    auth: canWriteMembers,
    args: { input: t.arg({ type: RemoveOrganizationApplicationInput, required: true }) },
    resolve: (_parent, { input }, context) =>
      removeMember(domain(context), applicationMembers, input.organizationId, input.applicationId, organizationCaller(context)),
  }),
  assignOrganizationApplicationRoles: t.prismaField({
    type: [OrganizationApplicationMember],
    description: "Gives every application listed every role named (by id or name). They must be members.",
    auth: canWriteMembers,
    args: { input: t.arg({ type: OrganizationApplicationRolesInput, required: true }) },
    resolve: async (query, _parent, { input }, context) => {
      const { memberIds } = await assignRoles(domain(context), applicationMembers, input.organizationId, input, organizationCaller(context));
      return applicationMembersOf(query, context, input.organizationId, memberIds);
    },
  }),
  unassignOrganizationApplicationRoles: t.prismaField({
    type: [OrganizationApplicationMember],
    description: "Takes the roles named from every application listed.",
    auth: canWriteMembers,
    args: { input: t.arg({ type: OrganizationApplicationRolesInput, required: true }) },
    resolve: async (query, _parent, { input }, context) => {
      const { memberIds } = await unassignRoles(domain(context), applicationMembers, input.organizationId, input, organizationCaller(context));
      return applicationMembersOf(query, context, input.organizationId, memberIds);
    },
  }),
  setOrganizationApplicationRoles: t.prismaField({
    type: OrganizationApplicationMember,
    description: "Makes one application's roles exactly those named, in one transaction.",
    auth: canWriteMembers,
    args: { input: t.arg({ type: SetOrganizationApplicationRolesInput, required: true }) },
    resolve: async (query, _parent, { input }, context) => {
      const { memberId } = await setMemberRoles(domain(context), applicationMembers, input.organizationId, input, organizationCaller(context));
      return context.prisma.organizationApplication.findUniqueOrThrow({
        ...query,
        where: { organizationId_applicationId: { organizationId: input.organizationId, applicationId: memberId } },
      });
    },
  }),
}));
