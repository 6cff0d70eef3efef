// API resources (RFC 8707 indicators) and their permissions. Management tokens with `resources:*`
// manage them; template readers and organization role managers read them (to give them to roles).
import {
  createApiResource,
  createResourceScope,
  deleteApiResource,
  deleteResourceScope,
  updateApiResource,
  updateResourceScope,
} from "../../domain/resources.js";
import { manage, manageOrAnyOrganization } from "../auth/rules.js";
import { builder } from "../builder.js";
import { domain } from "../context.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";

/** Who may read API permissions: resource and template readers, and organization role managers. */
const canReadResourceScopes = manageOrAnyOrganization(
  ["resources:read", "template:read", "organizations:read"],
  ["read:members", "assign:roles"],
);
const canWriteResources = manage("resources:write");

export const ApiResource = builder.prismaObject("ApiResource", {
  description: "An API that Gatehouse issues tokens for, identified by its resource indicator (RFC 8707).",
  auth: canReadResourceScopes,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    indicator: t.exposeString("indicator", { description: "The resource indicator: the `aud` of its tokens. Immutable." }),
    accessTokenTtl: t.exposeInt("accessTokenTtl", { description: "Lifetime of its access tokens, in seconds." }),
    isBuiltIn: t.exposeBoolean("isBuiltIn", {
      description: "Gatehouse's own management API: it cannot be deleted or renamed, nor its permissions changed.",
    }),
    scopes: t.relatedConnection("scopes", {
      cursor: "id",
      description: "Its API permissions, by name.",
      totalCount: true,
      args: { search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name and description.` }) },
      query: (args) => ({ where: searchWhere(args.search, ["name", "description"]), orderBy: [{ name: "asc" }, { id: "asc" }] }),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const ResourceScope = builder.prismaObject("ResourceScope", {
  description: "An API permission of one API resource.",
  auth: canReadResourceScopes,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    resource: t.relation("resource"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const searchFields: ("name" | "indicator")[] = ["name", "indicator"];

builder.queryFields((t) => ({
  apiResources: t.prismaConnection({
    type: "ApiResource",
    cursor: "id",
    description: "Every API resource, oldest first (the built-in management API among them).",
    auth: manage("resources:read"),
    args: { search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name and indicator.` }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.apiResource.findMany({
        ...query,
        where: searchWhere(args.search, searchFields),
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    totalCount: (_parent, args, context) => context.prisma.apiResource.count({ where: searchWhere(args.search, searchFields) }),
  }),
  apiResource: t.prismaField({
    type: "ApiResource",
    nullable: true,
    description: "One API resource, by id.",
    auth: manage("resources:read"),
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => context.prisma.apiResource.findUnique({ ...query, where: { id: args.id } }),
  }),
}));

const CreateApiResourceInput = builder.inputType("CreateApiResourceInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "At most 256 characters." }),
    indicator: t.string({ required: true, description: "An absolute URI without a fragment (RFC 8707); unique; immutable." }),
    accessTokenTtl: t.int({ description: "Seconds, 1 to 86400; 3600 unless given." }),
  }),
});

const UpdateApiResourceInput = builder.inputType("UpdateApiResourceInput", {
  description: "Fields left out stay as they are.",
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    indicator: t.string({ description: "Immutable: any other value than the current one is refused." }),
    accessTokenTtl: t.int({ description: "Seconds, 1 to 86400." }),
  }),
});

const ApiResourceIdInput = builder.inputType("ApiResourceIdInput", { fields: (t) => ({ id: t.id({ required: true }) }) });

const CreateResourceScopeInput = builder.inputType("CreateResourceScopeInput", {
  fields: (t) => ({
    resourceId: t.id({ required: true }),
    name: t.string({ required: true, description: "Unique in the resource; at most 256 characters; no whitespace." }),
    description: t.string({ description: "At most 256 characters." }),
  }),
});

const UpdateResourceScopeInput = builder.inputType("UpdateResourceScopeInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    description: t.string({ description: "null clears it." }),
  }),
});

const ResourceScopeIdInput = builder.inputType("ResourceScopeIdInput", { fields: (t) => ({ id: t.id({ required: true }) }) });

builder.mutationFields((t) => ({
  createApiResource: t.field({
    description: "Create an API resource: one of your APIs, named by its resource indicator (the audience of its tokens), to declare permissions on.",
    type: ApiResource,
    auth: canWriteResources,
    args: { input: t.arg({ type: CreateApiResourceInput, required: true }) },
    resolve: (_parent, { input }, context) => createApiResource(domain(context), input),
  }),
  updateApiResource: t.field({
    description: "Change an API resource; fields left out keep their values.",
    type: ApiResource,
    auth: canWriteResources,
    args: { input: t.arg({ type: UpdateApiResourceInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => updateApiResource(domain(context), id, changes),
  }),
  deleteApiResource: t.id({
    description: "Deletes the resource and its permissions, which every role loses. Returns its id.",
    auth: canWriteResources,
    args: { input: t.arg({ type: ApiResourceIdInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteApiResource(domain(context), input.id),
  }),
  createResourceScope: t.field({
    description: "Add a permission (scope) to an API resource.",
    type: ResourceScope,
    auth: canWriteResources,
    args: { input: t.arg({ type: CreateResourceScopeInput, required: true }) },
    resolve: (_parent, { input: { resourceId, ...scope } }, context) => createResourceScope(domain(context), resourceId, scope),
  }),
  updateResourceScope: t.field({
    description: "Change a permission of an API resource; fields left out keep their values.",
    type: ResourceScope,
    auth: canWriteResources,
    args: { input: t.arg({ type: UpdateResourceScopeInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => updateResourceScope(domain(context), id, changes),
  }),
  deleteResourceScope: t.id({
    description: "Deletes the permission from its resource and from every global and organization role. Returns its id.",
    auth: canWriteResources,
    args: { input: t.arg({ type: ResourceScopeIdInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteResourceScope(domain(context), input.id),
  }),
}));
