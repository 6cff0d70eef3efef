// How an organization's user members are read: a page of them (oldest first, by cursor), some by
// id, and how many there are. Each is one SQL statement straight to the driver (`Database.query`):
// the member with their user and the ids of their roles in one row. Through Prisma the same page
// was seven statements joined by its query interpreter in JavaScript, which cost more CPU than the
// rest of the request (docs/performance.md, "Member page"). The roles themselves, and what they
// grant, are the template's (`TemplateCache`).
import type { Database, FixedStatement } from "../db/index.js";
import type { User } from "../generated/prisma/client.js";

export interface MemberRow {
  organizationId: string;
  userId: string;
  createdAt: Date;
  user: User;
  /** The member's organization roles, in no order. */
  roleIds: string[];
}

/** What a member list is narrowed to: `search` as `users(search:)` does, and members holding a role. */
export interface MemberFilter {
  search?: string | null | undefined;
  roleId?: string | null | undefined;
  roleName?: string | null | undefined;
}

/** A membership, as a cursor names it. */
export interface MemberKey {
  organizationId: string;
  userId: string;
}

/**
 * A page as Prisma's cursor pagination asks for it (what Pothos's connection helpers compute from
 * `first`/`after`/`last`/`before`): `take` members after the cursor (or from the start), or, when
 * negative, `-take` members before it (or up to the end), always returned oldest first. The cursor's
 * own membership is not part of the page.
 */
export interface PageRequest {
  cursor?: MemberKey | undefined;
  take: number;
}

interface Row {
  organization_id: string;
  user_id: string;
  created_at: number;
  id: string;
  primary_email: string | null;
  name: string | null;
  username: string | null;
  avatar_url: string | null;
  mfa_enrolled: boolean;
  custom_data: User["customData"];
  user_created_at: number;
  user_updated_at: number;
  role_ids: string[];
}

// Times as milliseconds since the epoch (float8, exact for timestamptz(3)): the driver parses a
// number with parseFloat, a timestamptz with a date parser that was 1.6% of the page's CPU profile.
const MEMBER_COLUMNS = `m.organization_id, m.user_id, (extract(epoch FROM m.created_at) * 1000)::float8 AS created_at,
  u.id, u.primary_email, u.name, u.username, u.avatar_url, u.mfa_enrolled, u.custom_data,
  (extract(epoch FROM u.created_at) * 1000)::float8 AS user_created_at, (extract(epoch FROM u.updated_at) * 1000)::float8 AS user_updated_at,
  ARRAY(SELECT r.role_id FROM organization_user_roles r WHERE r.organization_id = m.organization_id AND r.user_id = m.user_id) AS role_ids`;

function memberOf(row: Row): MemberRow {
  return {
    organizationId: row.organization_id,
    userId: row.user_id,
    createdAt: new Date(row.created_at),
    user: {
      id: row.id,
      primaryEmail: row.primary_email,
      name: row.name,
      username: row.username,
      avatarUrl: row.avatar_url,
      mfaEnrolled: row.mfa_enrolled,
      customData: row.custom_data,
      createdAt: new Date(row.user_created_at),
      updatedAt: new Date(row.user_updated_at),
    },
    roleIds: row.role_ids,
  };
}

/**
 * The conditions of `filter` on memberships `m` joined to their users `u`, numbering parameters
 * after those in `params`. The same matches as Prisma's `contains` with `mode: "insensitive"`,
 * which the other lists use (`search.ts`): `ILIKE '%' || term || '%'`, the term unescaped.
 */
function filterConditions(filter: MemberFilter, params: unknown[]): string[] {
  const conditions: string[] = [];
  const term = filter.search?.trim();
  if (term) {
    const p = `$${params.push(term)}`;
    conditions.push(
      `(u.id = ${p} OR u.name ILIKE ('%' || ${p} || '%') OR u.primary_email ILIKE ('%' || ${p} || '%') OR u.username ILIKE ('%' || ${p} || '%'))`,
    );
  }
  if (filter.roleId || filter.roleName) {
    const role = [
      ...(filter.roleId ? [`held.role_id = $${params.push(filter.roleId)}`] : []),
      ...(filter.roleName ? [`role.name = $${params.push(filter.roleName)}`] : []),
    ];
    conditions.push(
      `EXISTS (SELECT 1 FROM organization_user_roles held JOIN organization_roles role ON role.id = held.role_id
        WHERE held.organization_id = m.organization_id AND held.user_id = m.user_id AND ${role.join(" AND ")})`,
    );
  }
  return conditions;
}

/**
 * A statement whose text depends only on which conditions it has (never on their values): named by
 * them, so that each variant is prepared once per connection.
 */
function statement(kind: string, sql: string, filter: MemberFilter, page?: PageRequest): FixedStatement {
  const variant = [
    filter.search?.trim() ? "s" : "",
    filter.roleId ? "r" : "",
    filter.roleName ? "n" : "",
    page?.cursor ? "c" : "",
    page && page.take < 0 ? "b" : "",
  ].join("");
  return { name: `gatehouse_${kind}_${variant}`, sql };
}

/** Members of `organizationId` matching `filter`, a page in the list's order (oldest first). */
export async function readMemberPage(db: Database, organizationId: string, filter: MemberFilter, page: PageRequest): Promise<MemberRow[]> {
  const params: unknown[] = [organizationId];
  const conditions = ["m.organization_id = $1", ...filterConditions(filter, params)];
  const backward = page.take < 0;
  if (page.cursor) {
    // The cursor's position in the order (none when that membership is gone: an empty page).
    const position = `(SELECT c.created_at, c.user_id FROM organization_memberships c WHERE c.organization_id = $${params.push(page.cursor.organizationId)} AND c.user_id = $${params.push(page.cursor.userId)})`;
    conditions.push(`(m.created_at, m.user_id) ${backward ? "<" : ">"} ${position}`);
  }
  const direction = backward ? "DESC" : "ASC";
  const sql =
    `SELECT ${MEMBER_COLUMNS} FROM organization_memberships m JOIN users u ON u.id = m.user_id WHERE ${conditions.join(" AND ")} ` +
    `ORDER BY m.created_at ${direction}, m.user_id ${direction} LIMIT $${params.push(Math.abs(page.take))}`;
  const members = (await db.query<Row>(statement("member_page", sql, filter, page), params)).map(memberOf);
  return backward ? members.reverse() : members;
}

/** How many members of `organizationId` match `filter`. */
export async function countMembers(db: Database, organizationId: string, filter: MemberFilter): Promise<number> {
  const params: unknown[] = [organizationId];
  const conditions = ["m.organization_id = $1", ...filterConditions(filter, params)];
  const join = filter.search?.trim() ? " JOIN users u ON u.id = m.user_id" : "";
  const sql = `SELECT count(*)::int AS count FROM organization_memberships m${join} WHERE ${conditions.join(" AND ")}`;
  const [row] = await db.query<{ count: number }>(statement("member_count", sql, filter), params);
  return row!.count;
}

const MEMBERS_BY_ID: FixedStatement = {
  name: "gatehouse_members_by_id",
  sql:
    `SELECT ${MEMBER_COLUMNS} FROM organization_memberships m JOIN users u ON u.id = m.user_id ` +
    "WHERE m.organization_id = $1 AND m.user_id = ANY($2::text[]) ORDER BY m.created_at, m.user_id",
};

/** The members among `userIds` of `organizationId`, in the list's order. */
export async function readMembers(db: Database, organizationId: string, userIds: readonly string[]): Promise<MemberRow[]> {
  return (await db.query<Row>(MEMBERS_BY_ID, [organizationId, [...userIds]])).map(memberOf);
}
