// The `search` argument of lists: a case-insensitive substring of the listed fields, or an exact id.

type Contains = { contains: string; mode: "insensitive" };
type SearchWhere<Field extends string> = { OR?: (Partial<Record<Field, Contains>> | { id: string })[] };

/** A Prisma `where` matching `search` in any of `fields` (or as the id), or nothing when absent. */
export function searchWhere<Field extends string>(search: string | null | undefined, fields: Field[]): SearchWhere<Field> {
  const term = search?.trim();
  if (!term) return {};
  const contains: Contains = { contains: term, mode: "insensitive" };
  return {
    OR: [{ id: term }, ...fields.map((field) => ({ [field]: contains }) as Partial<Record<Field, Contains>>)],
  };
}

export const SEARCH_DESCRIPTION = "Case-insensitive part of a name (or other listed text), or an exact id.";
