// Global roles: API permissions held outside any organization, by users (USER roles) or M2M
// applications (MACHINE_TO_MACHINE roles). `resources:*` manages the roles themselves; assigning
// them is part of managing users (`users:write`) or applications (`applications:write`).
import {
  type GlobalRoleHolder,
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
import type { ManagementScope } from "../../domain/management.js";
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
// Assignments: one set of mutations for users, one for applications, built from the same pattern.
// ---------------------------------------------------------------------------------------------

const verbs = [
  { verb: "assign", run: assignGlobalRoles, description: "Gives the %s the global roles named (by id or name); ones it holds stay." },
  { verb: "unassign", run: unassignGlobalRoles, description: "Takes the global roles named from the %s." },
  { verb: "set", run: setGlobalRoles, description: "Makes the %s's global roles exactly those named, in one transaction." },
] as const;

function assignmentMutations(options: {
  holder: GlobalRoleHolder;
  noun: "User" | "Application";
  ref: typeof User | typeof Application;
  scope: ManagementScope;
  /** The holder, after the change, as the mutation returns it. */
  load: (context: GraphQLContext, id: string) => Promise<unknown>;
}) {
  const idField = `${options.holder.name}Id`;
  const Input = builder.inputType(`${options.noun}GlobalRolesInput`, {
    fields: (t) => ({
      [idField]: t.id({ required: true }),
      roleIds: t.idList({ description: "Roles by id." }),
      roleNames: t.stringList({ description: "Roles by name." }),
    }),
  });
  builder.mutationFields((t) =>
    Object.fromEntries(
      verbs.map(({ verb, run, description }) => [
        `${verb}${options.noun}GlobalRoles`,
        t.field({
          type: options.ref as never,
          description: description.replace("%s", options.holder.name),
          auth: manage(options.scope),
          args: { input: t.arg({ type: Input, required: true }) },
          resolve: async (_parent, { input }, context) => {
            const { [idField]: holderId, ...refs } = input as Record<string, unknown>;
            return options.load(context, await run(domain(context), options.holder, String(holderId), refs)) as never;
          },
        }),
      ]),
    ),
  );
}

assignmentMutations({
  holder: userRoleHolder,
  noun: "User",
  ref: User,
  scope: "users:write",
  load: (context, id) => context.prisma.user.findUniqueOrThrow({ where: { id } }),
});
assignmentMutations({
  holder: applicationRoleHolder,
  noun: "Application",
  ref: Application,
  scope: "applications:write",
  load: (context, id) => context.prisma.application.findUniqueOrThrow({ where: { id } }),
});
