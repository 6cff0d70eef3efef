// API resources (RFC 8707 indicators) and their API permissions. The indicator is the audience of
// the resource's tokens, so it never changes. Gatehouse's own management API is a built-in
// resource: its code names those permissions, so the resource and its permissions stay as
// bootstrap made them (only the token lifetime may change).
import { z } from "zod";
import { GatehouseError, assertThat } from "../errors.js";
import type { ApiResource, ResourceScope } from "../generated/prisma/client.js";
import { guarded } from "./constraints.js";
import { type DomainContext, type Transaction, change } from "./context.js";
import { fieldChanges } from "./events.js";
import { description, parseInput, permissionName, text } from "./input.js";
import { deletePermissions } from "./template-effects.js";
import { definedOnly } from "./template.js";

/** RFC 8707: an absolute URI, without a fragment. */
const indicator = z
  .string()
  .trim()
  .max(2048, "must be at most 2048 characters")
  .refine((value) => URL.canParse(value) && !value.includes("#"), "must be an absolute URI without a fragment (RFC 8707)");

const accessTokenTtl = z
  .number()
  .int("must be a whole number of seconds")
  .min(1, "must be at least 1 second")
  .max(86_400, "must be at most 86400 seconds (one day)");

const resourceInput = z.object({ name: text(256), indicator, accessTokenTtl: accessTokenTtl.optional() });
/** `indicator` is accepted only to refuse a change of it by name. */
const resourceUpdate = z.object({ name: text(256).optional(), indicator: z.string().nullish(), accessTokenTtl: accessTokenTtl.optional() });

const scopeInput = z.object({ name: permissionName(256), description: description(256) });
const scopeUpdate = z.object({ name: permissionName(256).optional(), description: description(256) });

const builtInMessage = "is Gatehouse's own management API";

// ---------------------------------------------------------------------------------------------
// API resources
// ---------------------------------------------------------------------------------------------

export async function createApiResource(context: DomainContext, input: unknown): Promise<ApiResource> {
  const data = parseInput(resourceInput, input);
  return guarded({ unique: `an API resource with indicator ${data.indicator} already exists` }, () =>
    change(
      context,
      (tx) => tx.apiResource.create({ data: definedOnly(data) }),
      (resource) => ({
        action: "api_resource.created",
        targetId: resource.id,
        data: { name: resource.name, indicator: resource.indicator },
      }),
    ),
  );
}

/** Renames the resource or changes its token lifetime; its indicator is immutable. */
export async function updateApiResource(context: DomainContext, id: string, input: unknown): Promise<ApiResource> {
  const { indicator: newIndicator, ...data } = parseInput(resourceUpdate, input);
  return change(
    context,
    async (tx) => {
      const before = await requireApiResource(tx, id);
      assertThat(
        newIndicator === undefined || newIndicator === null || newIndicator === before.indicator,
        "BAD_USER_INPUT",
        "input.indicator: is immutable (it is the audience of issued tokens); create another API resource instead",
        { field: "input.indicator" },
      );
      assertThat(
        !before.isBuiltIn || data.name === undefined || data.name === before.name,
        "BUILT_IN_RESOURCE",
        `${before.name} ${builtInMessage}: it cannot be renamed`,
        { field: "input.name" },
      );
      return { before, after: await tx.apiResource.update({ where: { id }, data: definedOnly(data) }) };
    },
    ({ before, after }) => ({ action: "api_resource.updated", targetId: id, data: fieldChanges(before, after, data) }),
  ).then(({ after }) => after);
}

/** Deletes the resource with its permissions; every role loses them (database cascade), and each organization whose members held one is told. */
export async function deleteApiResource(context: DomainContext, id: string): Promise<string> {
  return change(
    context,
    async (tx) => {
      const resource = await requireApiResource(tx, id);
      assertThat(!resource.isBuiltIn, "BUILT_IN_RESOURCE", `${resource.name} ${builtInMessage}: it cannot be deleted`);
      const permissions = await tx.resourceScope.findMany({ where: { resourceId: id }, select: { id: true, name: true }, orderBy: { name: "asc" } });
      await deletePermissions(tx, context.actor, "api_resource.deleted", permissions, () => tx.apiResource.delete({ where: { id } }));
      return resource;
    },
    (resource) => ({
      action: "api_resource.deleted",
      targetId: resource.id,
      data: { name: resource.name, indicator: resource.indicator },
    }),
  ).then((resource) => resource.id);
}

async function requireApiResource(tx: Transaction, id: string, field = "id"): Promise<ApiResource> {
  const resource = await tx.apiResource.findUnique({ where: { id } });
  if (!resource) throw new GatehouseError("NOT_FOUND", `no API resource with id ${id}`, { field });
  return resource;
}

// ---------------------------------------------------------------------------------------------
// API permissions
// ---------------------------------------------------------------------------------------------

const duplicateScope = (name?: string) => `the API resource already has a permission named ${name ?? "so"}`;

export async function createResourceScope(context: DomainContext, resourceId: string, input: unknown): Promise<ResourceScope> {
  const data = parseInput(scopeInput, input);
  return guarded({ unique: duplicateScope(data.name) }, () =>
    change(
      context,
      async (tx) => {
        assertChangeable(await requireApiResource(tx, resourceId, "input.resourceId"));
        return tx.resourceScope.create({ data: { ...data, resourceId } });
      },
      (scope) => ({ action: "resource_scope.created", targetId: scope.id, data: { resourceId, name: scope.name } }),
    ),
  );
}

export async function updateResourceScope(context: DomainContext, id: string, input: unknown): Promise<ResourceScope> {
  const data = parseInput(scopeUpdate, input);
  return guarded({ unique: duplicateScope(data.name) }, () =>
    change(
      context,
      async (tx) => {
        const before = await requireResourceScope(tx, id);
        return { before, after: await tx.resourceScope.update({ where: { id }, data: definedOnly(data) }) };
      },
      ({ before, after }) => ({ action: "resource_scope.updated", targetId: id, data: fieldChanges(before, after, data) }),
    ).then(({ after }) => after),
  );
}

/** Deletes the permission; every global and organization role loses it (database cascade), and each organization whose members held one is told. */
export async function deleteResourceScope(context: DomainContext, id: string): Promise<string> {
  return change(
    context,
    async (tx) => {
      const scope = await requireResourceScope(tx, id);
      await deletePermissions(tx, context.actor, "resource_scope.deleted", [scope], () => tx.resourceScope.delete({ where: { id } }));
      return scope;
    },
    (scope) => ({
      action: "resource_scope.deleted",
      targetId: scope.id,
      data: { resourceId: scope.resourceId, name: scope.name },
    }),
  ).then((scope) => scope.id);
}

/** The permission, when it exists and its resource is not the built-in one. */
async function requireResourceScope(tx: Transaction, id: string): Promise<ResourceScope> {
  const scope = await tx.resourceScope.findUnique({ where: { id }, include: { resource: true } });
  if (!scope) throw new GatehouseError("NOT_FOUND", `no API permission with id ${id}`, { field: "id" });
  const { resource, ...rest } = scope;
  assertChangeable(resource);
  return rest;
}

function assertChangeable(resource: ApiResource): void {
  assertThat(!resource.isBuiltIn, "BUILT_IN_RESOURCE", `${resource.name} ${builtInMessage}: its permissions cannot change`);
}
