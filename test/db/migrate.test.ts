import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/index.js";
import {
  type Migration,
  MigrationError,
  defaultMigrationsDir,
  migrate,
  migrationStatus,
  readMigrations,
} from "../../src/db/migrate.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { testBackend } from "../support/env.js";

const first: Migration = { name: "20260101000000_first", script: 'CREATE TABLE "a" ("id" INT PRIMARY KEY);' };
const second: Migration = {
  name: "20260102000000_second",
  script: 'CREATE TABLE "b" ("id" INT PRIMARY KEY);\nINSERT INTO "b" VALUES (1), (2);',
};
/** Creates a table, then fails: the table must not survive. */
const broken: Migration = {
  name: "20260103000000_broken",
  script: 'CREATE TABLE "c" ("id" INT PRIMARY KEY);\nINSERT INTO "missing_table" VALUES (1);',
};

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
  rolled_back_at: Date | null;
}

const opened: { db: Database; test: TestDatabase }[] = [];

async function emptyDatabase(): Promise<Database> {
  const test = await createTestDatabase({ migrated: false });
  const db = await openDatabase(test.config, test.options);
  opened.push({ db, test });
  return db;
}

/** A second, independent connection pool to the same database (PostgreSQL only). */
async function secondPool(db: Database): Promise<Database> {
  const entry = opened.find((candidate) => candidate.db === db)!;
  const other = await openDatabase(entry.test.config);
  opened.push({ db: other, test: { ...entry.test, drop: async () => {} } });
  return other;
}

async function rows(db: Database): Promise<Row[]> {
  return db.pool.withSession((session) =>
    session.query<Row>("SELECT * FROM _prisma_migrations ORDER BY migration_name"),
  );
}

async function tableExists(db: Database, name: string): Promise<boolean> {
  const [row] = await db.pool.withSession((session) =>
    session.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [name]),
  );
  return row!.exists;
}

afterEach(async () => {
  // Close every pool first: PostgreSQL drops a database only without connections.
  for (const { db } of opened.splice(0).reverse()) await db.close();
});

describe("migrate", () => {
  it("applies pending migrations in order and records them like Prisma", async () => {
    const db = await emptyDatabase();
    expect(await migrate(db.pool, [first, second])).toEqual([first.name, second.name]);

    const recorded = await rows(db);
    expect(recorded.map((row) => row.migration_name)).toEqual([first.name, second.name]);
    for (const [row, migration] of recorded.map((row, i) => [row, [first, second][i]!] as const)) {
      expect(row.checksum).toBe(createHash("sha256").update(migration.script).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
    }
    expect(await tableExists(db, "b")).toBe(true);
  });

  it("applies nothing the second time", async () => {
    const db = await emptyDatabase();
    await migrate(db.pool, [first]);
    expect(await migrate(db.pool, [first])).toEqual([]);
    expect(await migrate(db.pool, [first, second])).toEqual([second.name]);
    expect(await rows(db)).toHaveLength(2);
  });

  it("rolls back a failing migration entirely, keeping the ones before it", async () => {
    const db = await emptyDatabase();
    const error = await migrate(db.pool, [first, broken]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toMatch(/Migration 20260103000000_broken failed and was rolled back/);
    expect(await tableExists(db, "a")).toBe(true);
    expect(await tableExists(db, "c")).toBe(false);
    expect((await rows(db)).map((row) => row.migration_name)).toEqual([first.name]);
  });

  it("refuses to go on when an applied migration was edited", async () => {
    const db = await emptyDatabase();
    await migrate(db.pool, [first, second]);
    const edited = { ...second, script: second.script.replace("(2)", "(3)") };

    await expect(migrate(db.pool, [first, edited])).rejects.toThrow(
      /Migration 20260102000000_second was edited after it was applied/,
    );
    await expect(migrationStatus(db.pool, [first, edited])).rejects.toBeInstanceOf(MigrationError);
  });

  it("accepts a migration whose only change is its line endings, as Prisma does", async () => {
    const db = await emptyDatabase();
    await migrate(db.pool, [second]);
    const crlf = { ...second, script: second.script.replace(/\n/g, "\r\n") };
    expect(await migrationStatus(db.pool, [crlf])).toEqual({ applied: [second.name], pending: [], unknown: [] });
  });

  it("refuses a migration that an earlier run started but never finished", async () => {
    const db = await emptyDatabase();
    await migrate(db.pool, [first]);
    await db.pool.withSession((session) =>
      session.query("UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1", [first.name]),
    );
    await expect(migrate(db.pool, [first, second])).rejects.toThrow(/was started but never finished/);
  });

  it("reports applied, pending and unknown migrations without changing anything", async () => {
    const db = await emptyDatabase();
    expect(await migrationStatus(db.pool, [first])).toEqual({ applied: [], pending: [first.name], unknown: [] });
    expect(await tableExists(db, "_prisma_migrations")).toBe(false);
    await migrate(db.pool, [first, second]);
    expect(await migrationStatus(db.pool, [second])).toEqual({
      applied: [second.name],
      pending: [],
      unknown: [first.name],
    });
  });

  it("applies each migration once when two migrators start together", async () => {
    const db = await emptyDatabase();
    // Two pools are two processes as far as PostgreSQL is concerned; the embedded database is
    // one connection per process, shared here by two concurrent migrators.
    const other = testBackend === "postgres" ? await secondPool(db) : db;
    const slow: Migration = { name: "20260101000000_slow", script: 'SELECT pg_sleep(0.3); CREATE TABLE "s" ("id" INT);' };

    const results = await Promise.all([migrate(db.pool, [slow, second]), migrate(other.pool, [slow, second])]);

    expect(results.flat().sort()).toEqual([second.name, slow.name].sort());
    expect((await rows(db)).map((row) => row.migration_name)).toEqual([slow.name, second.name]);
  });
});

describe("the migrations of this build", () => {
  it("are read in name order from prisma/migrations", async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.name)).toEqual(migrations.map((m) => m.name).sort());
    expect(migrations[0]!.script).toBe(await readFile(`${defaultMigrationsDir}/${migrations[0]!.name}/migration.sql`, "utf8"));
  });
});
