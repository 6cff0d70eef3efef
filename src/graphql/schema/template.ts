// The organization template: organization permissions and organization roles. Management tokens
// with `template:*` change it; organization tokens that manage members may read it (to show and
// assign roles, or to invite with them).
import {
  changeOrganizationRolePermissions,
  createOrganizationRole,
  createOrganizationScope,
  deleteOrganizationRole,
  deleteOrganizationScope,
  updateOrganizationRole,
  updateOrganizationScope,
} from "../../domain/template.js";
import { TEMPLATE_READER_PERMISSIONS } from "../../domain/events.js";
import { manage, manageOrAnyOrganization } from "../auth/rules.js";
import { builder } from "../builder.js";
import { domain } from "../context.js";
import { templateScopes } from "../held-roles.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";
import { ResourceScope } from "./resources.js";

/** Organization permissions that read the template (a member list shows role names; assigning and inviting pick roles). */
export const canReadTemplate = manageOrAnyOrganization(["template:read", "organizations:read"], [...TEMPLATE_READER_PERMISSIONS]);
const canWriteTemplate = manage("template:write");

export const RoleType = builder.enumType("RoleType", {
  description: "Who a role is for: users, or machine-to-machine applications.",
  values: { USER: { value: "USER" }, MACHINE_TO_MACHINE: { value: "MACHINE_TO_MACHINE" } } as const,
});

export const OrganizationScope = builder.prismaObject("OrganizationScope", {
  description: "An organization permission: part of the template that every organization shares.",
  auth: canReadTemplate,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const OrganizationRole = builder.prismaObject("OrganizationRole", {
  description: "An organization role of the template: organization permissions and API permissions.",
  auth: canReadTemplate,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    type: t.expose("type", { type: RoleType }),
    organizationScopes: t.field({
      type: [OrganizationScope],
      description: "Its organization permissions, by name.",
      // From the template in memory (as fresh as the database: see template-cache.ts), so a page
      // of members showing their roles' permissions reads none of them.
      resolve: (role, _args, context) => templateScopes(context, role.id),
    }),
    resourceScopes: t.field({
      type: [ResourceScope],
      description: "Its API permissions, by name.",
      select: (_args, _context, nested) => ({
        resourceScopes: { select: { scope: nested(true) }, orderBy: [{ scope: { name: "asc" } }, { scopeId: "asc" }] },
      }),
      resolve: (role) => role.resourceScopes.map((link) => link.scope),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  organizationScopes: t.prismaConnection({
    type: "OrganizationScope",
    cursor: "id",
    description: "The organization permissions of the template, by name.",
    auth: canReadTemplate,
    args: { search: t.arg.string({ description: SEARCH_DESCRIPTION }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.organizationScope.findMany({
        ...query,
        where: searchWhere(args.search, ["name", "description"]),
        orderBy: [{ name: "asc" }, { id: "asc" }],
      }),
    totalCount: (_parent, args, context) =>
      context.prisma.organizationScope.count({ where: searchWhere(args.search, ["name", "description"]) }),
  }),
  organizationScope: t.prismaField({
    description: "One organization permission of the template, by id.",
    type: "OrganizationScope",
    nullable: true,
    auth: canReadTemplate,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => context.prisma.organizationScope.findUnique({ ...query, where: { id: args.id } }),
  }),
  organizationRoles: t.prismaConnection({
    type: "OrganizationRole",
    cursor: "id",
    description: "The organization roles of the template, by name.",
    auth: canReadTemplate,
    args: { search: t.arg.string({ description: SEARCH_DESCRIPTION }), type: t.arg({ type: RoleType }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.organizationRole.findMany({
        ...query,
        where: { ...searchWhere(args.search, ["name", "description"]), ...(args.type ? { type: args.type } : {}) },
        orderBy: [{ name: "asc" }, { id: "asc" }],
      }),
    totalCount: (_parent, args, context) =>
      context.prisma.organizationRole.count({
        where: { ...searchWhere(args.search, ["name", "description"]), ...(args.type ? { type: args.type } : {}) },
      }),
  }),
  organizationRole: t.prismaField({
    description: "One organization role of the template, by id.",
    type: "OrganizationRole",
    nullable: true,
    auth: canReadTemplate,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => context.prisma.organizationRole.findUnique({ ...query, where: { id: args.id } }),
  }),
}));

const CreateOrganizationScopeInput = builder.inputType("CreateOrganizationScopeInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique; at most 128 characters; no whitespace." }),
    description: t.string({ description: "At most 256 characters." }),
  }),
});

const UpdateOrganizationScopeInput = builder.inputType("UpdateOrganizationScopeInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    description: t.string({ description: "null clears it." }),
  }),
});

const IdInput = builder.inputType("IdInput", { fields: (t) => ({ id: t.id({ required: true }) }) });

const CreateOrganizationRoleInput = builder.inputType("CreateOrganizationRoleInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique across both types; at most 128 characters." }),
    description: t.string({ description: "At most 256 characters." }),
    type: t.field({ type: RoleType, description: "USER unless given; fixed once the role is assigned." }),
    organizationScopeIds: t.idList({ description: "Organization permissions to start with." }),
    resourceScopeIds: t.idList({ description: "API permissions to start with." }),
  }),
});

const UpdateOrganizationRoleInput = builder.inputType("UpdateOrganizationRoleInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    description: t.string({ description: "null clears it." }),
    type: t.field({ type: RoleType, description: "Only while nobody holds the role." }),
  }),
});

const OrganizationRolePermissionsInput = builder.inputType("OrganizationRolePermissionsInput", {
  fields: (t) => ({
    roleId: t.id({ required: true }),
    organizationScopeIds: t.idList(),
    resourceScopeIds: t.idList(),
  }),
});

builder.mutationFields((t) => ({
  createOrganizationScope: t.field({
    description: "Add an organization permission to the template every organization shares.",
    type: OrganizationScope,
    auth: canWriteTemplate,
    args: { input: t.arg({ type: CreateOrganizationScopeInput, required: true }) },
    resolve: (_parent, { input }, context) => createOrganizationScope(domain(context), input),
  }),
  updateOrganizationScope: t.field({
    description: "Change an organization permission of the template; fields left out keep their values.",
    type: OrganizationScope,
    auth: canWriteTemplate,
    args: { input: t.arg({ type: UpdateOrganizationScopeInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => updateOrganizationScope(domain(context), id, changes),
  }),
  deleteOrganizationScope: t.id({
    description: "Deletes the permission from the template and from every role. Returns its id.",
    auth: canWriteTemplate,
    args: { input: t.arg({ type: IdInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteOrganizationScope(domain(context), input.id),
  }),
  createOrganizationRole: t.field({
    type: OrganizationRole,
    description: "Creates a role with its initial permissions, in one transaction.",
    auth: canWriteTemplate,
    args: { input: t.arg({ type: CreateOrganizationRoleInput, required: true }) },
    resolve: (_parent, { input }, context) => createOrganizationRole(domain(context), input),
  }),
  updateOrganizationRole: t.field({
    description: "Change an organization role of the template; fields left out keep their values.",
    type: OrganizationRole,
    auth: canWriteTemplate,
    args: { input: t.arg({ type: UpdateOrganizationRoleInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => updateOrganizationRole(domain(context), id, changes),
  }),
  deleteOrganizationRole: t.id({
    description: "Deletes the role and every assignment of it, in every organization. Returns its id.",
    auth: canWriteTemplate,
    args: { input: t.arg({ type: IdInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteOrganizationRole(domain(context), input.id),
  }),
  addOrganizationRolePermissions: t.field({
    type: OrganizationRole,
    description: "Adds permissions to a role; ones it already holds are left as they are.",
    auth: canWriteTemplate,
    args: { input: t.arg({ type: OrganizationRolePermissionsInput, required: true }) },
    resolve: (_parent, { input: { roleId, ...ids } }, context) =>
      changeOrganizationRolePermissions(domain(context), roleId, "add", ids),
  }),
  removeOrganizationRolePermissions: t.field({
    description: "Take organization and API permissions away from an organization role of the template.",
    type: OrganizationRole,
    auth: canWriteTemplate,
    args: { input: t.arg({ type: OrganizationRolePermissionsInput, required: true }) },
    resolve: (_parent, { input: { roleId, ...ids } }, context) =>
      changeOrganizationRolePermissions(domain(context), roleId, "remove", ids),
  }),
  setOrganizationRolePermissions: t.field({
    type: OrganizationRole,
    description: "Replaces the role's permissions with exactly these, in one transaction.",
    auth: canWriteTemplate,
    args: { input: t.arg({ type: OrganizationRolePermissionsInput, required: true }) },
    resolve: (_parent, { input: { roleId, ...ids } }, context) =>
      changeOrganizationRolePermissions(domain(context), roleId, "replace", ids),
  }),
}));
