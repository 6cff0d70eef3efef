// The roles a parent holds through a link table (`roles: [{ role }]`), as a list field: selected
// in the parent's own query, so a page of parents costs no query per role. Or, for the members'
// roles and every role's permissions, from the template in memory (`TemplateCache`).
import { isThenable } from "@pothos/core";
import type { TemplateSnapshot } from "../domain/template-cache.js";
import type { GraphQLContext } from "./context.js";

/** Field options for `t.field`: the roles, by name, as `ref`. */
export function heldRoles<Ref>(ref: Ref) {
  return linkedRoles(ref, "roles");
}

/** The same for a link table under another relation name (`jitRoles: [{ role }]`). */
export function linkedRoles<Ref, Relation extends string>(ref: Ref, relation: Relation) {
  const byName = { role: { name: "asc" as const } };
  return {
    type: [ref] as [Ref],
    select: (_args: unknown, _context: unknown, nested: (selection: true) => object) =>
      // A computed key widens to `string`, and the selection's type is how Pothos types the parent.
      ({ [relation]: { select: { role: nested(true) }, orderBy: byName } }) as Record<
        Relation,
        { select: { role: object }; orderBy: typeof byName }
      >,
    resolve: <Role>(parent: Record<Relation, { role: Role }[]>) => parent[relation].map((link) => link.role),
  };
}

/**
 * What `read` takes from the template in memory (`context.template`) that knows `roleIds`: at once,
 * unless the template must be read first.
 */
function fromTemplate<T>(context: GraphQLContext, roleIds: string | readonly string[], read: (template: TemplateSnapshot) => T): T | Promise<T> {
  const template = context.template.knowing(roleIds);
  return isThenable(template) ? template.then(read) : read(template);
}

/**
 * The roles of these ids, by name, from the template in memory. The lists are shared between
 * members holding the same roles (a page's members mostly do), and never changed.
 */
export const templateRoles = (context: GraphQLContext, roleIds: readonly string[]) => fromTemplate(context, roleIds, (known) => known.rolesOf(roleIds));

/** The organization permissions these roles grant, sorted, from the template in memory. */
export const templatePermissions = (context: GraphQLContext, roleIds: readonly string[]) =>
  fromTemplate(context, roleIds, (known) => known.permissionsOf(roleIds));

/** The organization permissions a role grants, by name, from the template in memory. */
export const templateScopes = (context: GraphQLContext, roleId: string) => fromTemplate(context, roleId, (known) => known.scopesOf(roleId));
