// Global roles: API permissions held outside any organization, by users (USER roles) or M2M
// applications (MACHINE_TO_MACHINE roles). `resources:*` manages the roles themselves; assigning
// them is part of managing users (`users:write`) or applications (`applications:write`).
import {
  applicationRoleHolder,
  assignGlobalRoles,
  changeGlobalRolePermissions,
  createGlobalRole,
  deleteGlobalRole,
  setGlobalRoles,
  unassignGlobalRoles,
  updateGlobalRole,
  userRoleHolder,
} from "../../domain/global-roles.js";
import { manage, manageOrAnyOrganization } from "../auth/rules.js";
import { builder } from "../builder.js";
import { type GraphQLContext, domain } from "../context.js";
import { heldRoles } from "../held-roles.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";
import { Application } from "./applications.js";
import { ResourceScope } from "./resources.js";
import { RoleType } from "./template.js";
import { User } from "./users.js";

/** The roles themselves, and the roles a user or an application holds. */
const canReadGlobalRoles = manageOrAnyOrganization(["resources:read", "users:read", "applications:read"], []);
const canWriteGlobalRoles = manage("resources:write");

export const GlobalRole = builder.prismaObject("Role", {
  name: "GlobalRole",
  description: "A global role: API permissions held outside any organization, by users or by M2M applications (its type).",
  auth: canReadGlobalRoles,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    type: t.expose("type", { type: RoleType, description: "USER roles go to users, MACHINE_TO_MACHINE roles to applications." }),
    resourceScopes: t.field({
      type: [ResourceScope],
      description: "Its API permissions, by name.",
      select: (_args, _context, nested) => ({
        scopes: { select: { scope: nested(true) }, orderBy: [{ scope: { name: "asc" } }, { scopeId: "asc" }] },
      }),
      resolve: (role) => role.scopes.map((link) => link.scope),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.prismaObjectFields(User, (t) => ({
  roles: t.field({ ...heldRoles(GlobalRole), description: "The user's global roles, by name.", auth: manage("users:read") }),
}));

builder.prismaObjectFields(Application, (t) => ({
  roles: t.field({
    ...heldRoles(GlobalRole),
    description: "The application's global roles, by name.",
    auth: manage("applications:read"),
  }),
}));

const typeFilter = (type: "USER" | "MACHINE_TO_MACHINE" | null | undefined) => (type ? { type } : {});

builder.queryFields((t) => ({
  globalRoles: t.prismaConnection({
    type: "Role",
    cursor: "id",
    description: "The global roles, by name.",
    auth: manage("resources:read"),
    args: {
      search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name and description.` }),
      type: t.arg({ type: RoleType, description: "Only roles of this type." }),
    },
    resolve: (query, _parent, args, context) =>
      context.prisma.role.findMany({
        ...query,
        where: { ...searchWhere(args.search, ["name", "description"]), ...typeFilter(args.type) },
        orderBy: [{ name: "asc" }, { id: "asc" }],
      }),
    totalCount: (_parent, args, context) =>
      context.prisma.role.count({ where: { ...searchWhere(args.search, ["name", "description"]), ...typeFilter(args.type) } }),
  }),
  globalRole: t.prismaField({
    type: "Role",
    nullable: true,
    description: "One global role, by id.",
    auth: manage("resources:read"),
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => context.prisma.role.findUnique({ ...query, where: { id: args.id } }),
  }),
}));

const CreateGlobalRoleInput = builder.inputType("CreateGlobalRoleInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique; at most 128 characters." }),
    description: t.string({ description: "At most 256 characters." }),
    type: t.field({ type: RoleType, description: "USER unless given; fixed once the role is assigned." }),
    resourceScopeIds: t.idList({ description: "API permissions to start with." }),
  }),
});

const UpdateGlobalRoleInput = builder.inputType("UpdateGlobalRoleInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    description: t.string({ description: "null clears it." }),
    type: t.field({ type: RoleType, description: "Only while nobody holds the role." }),
  }),
});

const GlobalRoleIdInput = builder.inputType("GlobalRoleIdInput", { fields: (t) => ({ id: t.id({ required: true }) }) });

const GlobalRolePermissionsInput = builder.inputType("GlobalRolePermissionsInput", {
  fields: (t) => ({ roleId: t.id({ required: true }), resourceScopeIds: t.idList() }),
});

builder.mutationFields((t) => ({
  createGlobalRole: t.field({
    type: GlobalRole,
    description: "Creates a role with its initial API permissions, in one transaction.",
    auth: canWriteGlobalRoles,
    args: { input: t.arg({ type: CreateGlobalRoleInput, required: true }) },
    resolve: (_parent, { input }, context) => createGlobalRole(domain(context), input),
  }),
  updateGlobalRole: t.field({
    description: "Change a global role; fields left out keep their values.",
    type: GlobalRole,
    auth: canWriteGlobalRoles,
    args: { input: t.arg({ type: UpdateGlobalRoleInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => updateGlobalRole(domain(context), id, changes),
  }),
  deleteGlobalRole: t.id({
    description: "Deletes the role and every assignment of it. Returns its id.",
    auth: canWriteGlobalRoles,
    args: { input: t.arg({ type: GlobalRoleIdInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteGlobalRole(domain(context), input.id),
  }),
  addGlobalRolePermissions: t.field({
    type: GlobalRole,
    description: "Adds API permissions to a role; ones it already holds are left as they are.",
    auth: canWriteGlobalRoles,
    args: { input: t.arg({ type: GlobalRolePermissionsInput, required: true }) },
    resolve: (_parent, { input: { roleId, ...ids } }, context) => changeGlobalRolePermissions(domain(context), roleId, "add", ids),
  }),
  removeGlobalRolePermissions: t.field({
    description: "Take API permissions away from a global role.",
    type: GlobalRole,
    auth: canWriteGlobalRoles,
    args: { input: t.arg({ type: GlobalRolePermissionsInput, required: true }) },
    resolve: (_parent, { input: { roleId, ...ids } }, context) => changeGlobalRolePermissions(domain(context), roleId, "remove", ids),
  }),
  setGlobalRolePermissions: t.field({
    type: GlobalRole,
    description: "Replaces the role's API permissions with exactly these, in one transaction.",
    auth: canWriteGlobalRoles,
    args: { input: t.arg({ type: GlobalRolePermissionsInput, required: true }) },
    resolve: (_parent, { input: { roleId, ...ids } }, context) =>
      changeGlobalRolePermissions(domain(context), roleId, "replace", ids),
  }),
}));

// ---------------------------------------------------------------------------------------------
// Assignments: three mutations for users, three for applications, each declared by its real name;
// the domain functions take the holder (user or application) and do the work.
// ---------------------------------------------------------------------------------------------

const UserGlobalRolesInput = builder.inputType("UserGlobalRolesInput", {
  fields: (t) => ({
    userId: t.id({ required: true }),
    roleIds: t.idList({ description: "Roles by id." }),
    roleNames: t.stringList({ description: "Roles by name." }),
  }),
});

const userById = (context: GraphQLContext, id: string) => context.prisma.user.findUniqueOrThrow({ where: { id } });
const canWriteUsers = manage("users:write");

builder.mutationFields((t) => ({
  assignUserGlobalRoles: t.field({
    type: User,
    description: "Gives the user the global roles named (by id or name); ones it holds stay.",
    auth: canWriteUsers,
    args: { input: t.arg({ type: UserGlobalRolesInput, required: true }) },
    resolve: async (_parent, { input: { userId, ...refs } }, context) =>
      userById(context, await assignGlobalRoles(domain(context), userRoleHolder, userId, refs)),
  }),
  unassignUserGlobalRoles: t.field({
    type: User,
    description: "Takes the global roles named from the user.",
    auth: canWriteUsers,
    args: { input: t.arg({ type: UserGlobalRolesInput, required: true }) },
    resolve: async (_parent, { input: { userId, ...refs } }, context) =>
      userById(context, await unassignGlobalRoles(domain(context), userRoleHolder, userId, refs)),
  }),
  setUserGlobalRoles: t.field({
    type: User,
    description: "Makes the user's global roles exactly those named, in one transaction.",
    auth: canWriteUsers,
    args: { input: t.arg({ type: UserGlobalRolesInput, required: true }) },
    resolve: async (_parent, { input: { userId, ...refs } }, context) =>
      userById(context, await setGlobalRoles(domain(context), userRoleHolder, userId, refs)),
  }),
}));

const ApplicationGlobalRolesInput = builder.inputType("ApplicationGlobalRolesInput", {
  fields: (t) => ({
    applicationId: t.id({ required: true }),
    roleIds: t.idList({ description: "Roles by id." }),
    roleNames: t.stringList({ description: "Roles by name." }),
  }),
});

const applicationById = (context: GraphQLContext, id: string) => context.prisma.application.findUniqueOrThrow({ where: { id } });
const canWriteApplications = manage("applications:write");

builder.mutationFields((t) => ({
  assignApplicationGlobalRoles: t.field({
    type: Application,
    description: "Gives the application the global roles named (by id or name); ones it holds stay.",
    auth: canWriteApplications,
    args: { input: t.arg({ type: ApplicationGlobalRolesInput, required: true }) },
    resolve: async (_parent, { input: { applicationId, ...refs } }, context) =>
      applicationById(context, await assignGlobalRoles(domain(context), applicationRoleHolder, applicationId, refs)),
  }),
  unassignApplicationGlobalRoles: t.field({
    type: Application,
    description: "Takes the global roles named from the application.",
    auth: canWriteApplications,
    args: { input: t.arg({ type: ApplicationGlobalRolesInput, required: true }) },
    resolve: async (_parent, { input: { applicationId, ...refs } }, context) =>
      applicationById(context, await unassignGlobalRoles(domain(context), applicationRoleHolder, applicationId, refs)),
  }),
  setApplicationGlobalRoles: t.field({
    type: Application,
    description: "Makes the application's global roles exactly those named, in one transaction.",
    auth: canWriteApplications,
    args: { input: t.arg({ type: ApplicationGlobalRolesInput, required: true }) },
    resolve: async (_parent, { input: { applicationId, ...refs } }, context) =>
      applicationById(context, await setGlobalRoles(domain(context), applicationRoleHolder, applicationId, refs)),
  }),
}));
