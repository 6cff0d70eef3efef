// The roles a parent holds through a link table (`roles: [{ role }]`), as a list field: selected
// in the parent's own query, so a page of parents costs no query per role.

/** Field options for `t.field`: the roles, by name, as `ref`. */
export function heldRoles<Ref>(ref: Ref) {
  return {
    type: [ref] as [Ref],
    select: (_args: unknown, _context: unknown, nested: (selection: true) => object) => ({
      roles: { select: { role: nested(true) }, orderBy: { role: { name: "asc" as const } } },
    }),
    resolve: <Role>(parent: { roles: { role: Role }[] }) => parent.roles.map((link) => link.role),
  };
}
