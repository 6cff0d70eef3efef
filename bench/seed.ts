// Benchmark data in volume, written with SQL (generate_series) rather than row by row: an
// organization of many members, and a background of many organizations. Ids are readable
// (`u-<tag>-<n>`), not cuids; Gatehouse treats ids as opaque text.
import type { Database, PrismaClient } from "../src/db/index.js";

/** Two organization roles (`reader-<tag>`, `writer-<tag>`) of three permissions each. */
async function twoRoles(prisma: PrismaClient, tag: string) {
  return Promise.all(
    ["reader", "writer"].map((kind) =>
      prisma.organizationRole.create({
        data: {
          name: `${kind}-${tag}`,
          scopes: { create: [1, 2, 3].map((n) => ({ scope: { create: { name: `${kind}:${n}:${tag}` } } })) },
        },
      }),
    ),
  );
}

/**
 * An organization of `size` members, each holding both roles; members joined one second apart,
 * in the order of their number.
 */
export async function organizationWithMembers(db: Database, size: number, tag: string) {
  const organization = await db.prisma.organization.create({ data: { name: `Big ${tag}` } });
  const roles = await twoRoles(db.prisma, tag);
  await db.pool.withSession(async (session) => {
    await session.query(
      `INSERT INTO users (id, name, primary_email, created_at, updated_at)
       SELECT 'u-' || $1 || '-' || i, 'Member ' || i, 'm' || i || '.' || $1 || '@example.test', now(), now()
       FROM generate_series(1, $2::int) AS i`,
      [tag, size],
    );
    await session.query(
      `INSERT INTO organization_memberships (organization_id, user_id, created_at)
       SELECT $1, 'u-' || $2 || '-' || i, now() - ($3::int - i) * interval '1 second'
       FROM generate_series(1, $3::int) AS i`,
      [organization.id, tag, size],
    );
    await session.query(
      `INSERT INTO organization_user_roles (organization_id, user_id, role_id)
       SELECT $1, 'u-' || $2 || '-' || i, role_id
       FROM generate_series(1, $3::int) AS i, unnest($4::text[]) AS role_id`,
      [organization.id, tag, size, roles.map((role) => role.id)],
    );
  });
  return { organization, roles };
}

/**
 * `organizations` organizations (`o-<tag>-<n>`) and as many users (`u-<tag>-<n>`), each user a
 * member of `perUser` organizations (user n joins organizations n, n + 1, …), holding one role in
 * each: `organizations × perUser` memberships.
 */
export async function backgroundOrganizations(db: Database, organizations: number, perUser: number, tag: string) {
  const [role] = await twoRoles(db.prisma, tag);
  await db.pool.withSession(async (session) => {
    await session.query(
      `INSERT INTO organizations (id, name, created_at, updated_at)
       SELECT 'o-' || $1 || '-' || i, 'Organization ' || i, now() - ($2::int - i) * interval '1 second', now()
       FROM generate_series(1, $2::int) AS i`,
      [tag, organizations],
    );
    await session.query(
      `INSERT INTO users (id, name, primary_email, created_at, updated_at)
       SELECT 'u-' || $1 || '-' || i, 'User ' || i, 'u' || i || '.' || $1 || '@example.test', now(), now()
       FROM generate_series(1, $2::int) AS i`,
      [tag, organizations],
    );
    const memberships = `SELECT 'o-' || $1 || '-' || (1 + (i - 1 + k) % $2::int) AS organization_id, 'u-' || $1 || '-' || i AS user_id, k
       FROM generate_series(1, $2::int) AS i, generate_series(0, $3::int - 1) AS k`;
    await session.query(
      `INSERT INTO organization_memberships (organization_id, user_id, created_at)
       SELECT organization_id, user_id, now() - k * interval '1 minute' FROM (${memberships}) AS m`,
      [tag, organizations, perUser],
    );
    await session.query(
      `INSERT INTO organization_user_roles (organization_id, user_id, role_id)
       SELECT organization_id, user_id, $4 FROM (${memberships}) AS m`,
      [tag, organizations, perUser, role!.id],
    );
  });
  return { role: role! };
}

/** User `userId` joins `count` of the background organizations (from the first), with `roleId` in each. */
export async function joinBackgroundOrganizations(db: Database, userId: string, count: number, tag: string, roleId: string) {
  await db.pool.withSession(async (session) => {
    await session.query(
      `INSERT INTO organization_memberships (organization_id, user_id, created_at)
       SELECT 'o-' || $1 || '-' || i, $2, now() - ($3::int - i) * interval '1 second' FROM generate_series(1, $3::int) AS i`,
      [tag, userId, count],
    );
    await session.query(
      `INSERT INTO organization_user_roles (organization_id, user_id, role_id)
       SELECT 'o-' || $1 || '-' || i, $2, $4 FROM generate_series(1, $3::int) AS i`,
      [tag, userId, count, roleId],
    );
  });
}
