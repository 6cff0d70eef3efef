// The roles a parent holds through a link table (`roles: [{ role }]`), as a list field: selected
// in the parent's own query, so a page of parents costs no query per role.

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
