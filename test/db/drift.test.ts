// schema.prisma and the SQL migrations must describe the same database. Prisma 7 cannot diff
// offline, so Prisma 6.19's WASM engine turns schema.prisma into SQL (tools/schema-diff); that SQL
// and the migrations are applied to two empty databases, and their catalogs are compared.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/index.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import type { SqlSession } from "../../src/db/sql.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

/** What the migrations hold beyond schema.prisma, by design (see the "Beyond Prisma" comments). */
const BEYOND_PRISMA = [
  "constraint api_resources.api_resources_access_token_ttl_check",
  "constraint application_roles.application_roles_role_type_check",
  "constraint organization_application_roles.organization_application_roles_role_type_check",
  "constraint organization_applications.organization_applications_application_type_check",
  "constraint organization_invitation_roles.organization_invitation_roles_role_type_check",
  "constraint organization_jit_roles.organization_jit_roles_role_type_check",
  "constraint organization_user_roles.organization_user_roles_role_type_check",
  "constraint resource_scopes.resource_scopes_name_check",
  "constraint user_roles.user_roles_role_type_check",
  "index audit_events.audit_events_feed_position_key",
  "index organization_invitations.organization_invitations_pending_key",
];

interface CatalogEntry {
  /** Kind and name, e.g. `column users.name`. */
  key: string;
  /** The full definition, compared between the two databases. */
  definition: string;
}

async function catalog(session: SqlSession): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  const add = (key: string, definition: string) => entries.push({ key, definition: `${key}: ${definition}` });

  for (const row of await session.query<{ name: string; labels: string }>(
    `SELECT t.typname AS name, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
     JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' GROUP BY t.typname`,
  )) {
    add(`enum ${row.name}`, row.labels);
  }
  for (const row of await session.query<Record<string, string | null>>(
    `SELECT table_name, column_name, udt_name, character_maximum_length::text AS length,
            datetime_precision::text AS precision, is_nullable, column_default
     FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  )) {
    add(
      `column ${row.table_name}.${row.column_name}`,
      [row.udt_name, row.length, row.udt_name?.startsWith("timestamp") ? row.precision : null, row.is_nullable, row.column_default]
        .map(String)
        .join(" "),
    );
  }
  for (const row of await session.query<{ table: string; name: string; definition: string }>(
    `SELECT c.conrelid::regclass::text AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE n.nspname = 'public' AND c.conrelid <> 0 AND c.conrelid::regclass::text <> '_prisma_migrations'`,
  )) {
    add(`constraint ${row.table}.${row.name}`, row.definition);
  }
  for (const row of await session.query<{ tablename: string; indexname: string; indexdef: string }>(
    `SELECT tablename, indexname, indexdef FROM pg_indexes
     WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  )) {
    add(`index ${row.tablename}.${row.indexname}`, row.indexdef);
  }
  return entries.sort((a, b) => a.definition.localeCompare(b.definition));
}

function difference(from: CatalogEntry[], other: CatalogEntry[]): CatalogEntry[] {
  const definitions = new Set(other.map((entry) => entry.definition));
  return from.filter((entry) => !definitions.has(entry.definition));
}

describe("schema.prisma and prisma/migrations", () => {
  const databases: { db: Database; test: TestDatabase }[] = [];
  let fromMigrations: CatalogEntry[];
  let fromSchema: CatalogEntry[];

  async function emptyDatabase(): Promise<Database> {
    const test = await createTestDatabase({ migrated: false });
    const db = await openDatabase(test.config, test.options);
    databases.push({ db, test });
    return db;
  }

  beforeAll(async () => {
    const [{ stdout: schemaSql }, migrated, generated] = await Promise.all([
      promisify(execFile)(process.execPath, ["tools/schema-diff/schema-sql.mjs", "prisma/schema.prisma"], {
        maxBuffer: 16 * 1024 * 1024,
      }),
      emptyDatabase(),
      emptyDatabase(),
    ]);
    await migrate(migrated.pool, await readMigrations());
    await generated.pool.withSession(async (session) => {
      // The extensions the schema's types need; Prisma leaves creating them to the migrations.
      await session.exec("CREATE EXTENSION IF NOT EXISTS citext");
      await session.exec(schemaSql);
    });
    fromMigrations = await migrated.pool.withSession(catalog);
    fromSchema = await generated.pool.withSession(catalog);
  }, 120_000);

  afterAll(async () => {
    for (const { db, test } of databases) {
      await db.close();
      await test.drop();
    }
  });

  it("compares a real catalog", () => {
    expect(fromSchema.filter((entry) => entry.key.startsWith("column ")).length).toBeGreaterThan(100);
    expect(fromSchema.some((entry) => entry.key === "index users.users_primary_email_key")).toBe(true);
  });

  it("holds nothing in schema.prisma that the migrations lack", () => {
    expect(difference(fromSchema, fromMigrations).map((entry) => entry.definition)).toEqual([]);
  });

  it("holds nothing in the migrations beyond schema.prisma but the documented extras", () => {
    expect(difference(fromMigrations, fromSchema).map((entry) => entry.key).sort()).toEqual(BEYOND_PRISMA);
  });
});
