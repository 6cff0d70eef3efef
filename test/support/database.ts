// A fresh, migrated database for one test file (or one test), on the backend the run targets.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import type { DatabaseConfig } from "../../src/config/index.js";
import { type Database, type OpenDatabaseOptions, openDatabase } from "../../src/db/index.js";
import { postgresUrlFor, testPostgresUrl } from "./env.js";

export interface TestDatabase {
  config: DatabaseConfig;
  /** Options `openDatabase` needs for this config (the embedded template dump). */
  options: OpenDatabaseOptions;
  /** Drops the database (PostgreSQL); the embedded one lives in memory and needs nothing. */
  drop(): Promise<void>;
}

const dumps = new Map<string, Blob>();

async function templateDump(path: string): Promise<Blob> {
  let dump = dumps.get(path);
  if (!dump) {
    dump = new Blob([await readFile(path)]);
    dumps.set(path, dump);
  }
  return dump;
}

/** A new database, copied from the run's migrated template (or empty with `migrated: false`). */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  if (testPostgresUrl) {
    const template = inject("postgresTemplate");
    const name = `${template}_${randomBytes(4).toString("hex")}`;
    await adminQuery(migrated ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
    return {
      config: { kind: "postgres", url: postgresUrlFor(name), poolSize: 5 },
      options: {},
      drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const dump = await templateDump(inject(migrated ? "embeddedTemplate" : "embeddedEmptyTemplate"));
  return {
    config: { kind: "embedded", dataDir: "memory://" },
    options: { loadDataDir: dump },
    drop: async () => {},
  };
}

/**
 * A database that outlives a server, for restarts: a new PostgreSQL database, or an embedded one in
 * a temporary folder (migrated by the first server that starts on it).
 */
export async function createPersistentTestDatabase(): Promise<TestDatabase> {
  if (testPostgresUrl) return createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-test-"));
  // No template (test/cli/embedded-template.test.ts has those): the same start whether or not the build wrote one.
  const config: DatabaseConfig = { kind: "embedded", dataDir, templateDir: join(dataDir, "no-template") };
  return { config, options: {}, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Opens a fresh migrated database; close it and drop it with the returned `dispose`. */
export async function openTestDatabase(): Promise<Database & { dispose(): Promise<void> }> {
  const test = await createTestDatabase();
  const db = await openDatabase(test.config, test.options);
  return Object.assign(db, {
    async dispose() {
      await db.close();
      await test.drop();
    },
  });
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
