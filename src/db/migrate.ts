// Applies the SQL migrations in prisma/migrations, keeping Prisma's own bookkeeping table
// (`_prisma_migrations`, same columns and checksums) so `prisma migrate deploy` agrees wherever it
// can run. Each migration runs in one transaction together with its bookkeeping row, under the
// advisory lock Prisma itself takes, so concurrent starters apply each migration exactly once.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { OperatorError } from "../errors.js";
import { installationPath } from "../paths.js";
import type { SqlPool, SqlSession } from "./sql.js";

export const defaultMigrationsDir = installationPath("prisma/migrations");

/** The key of Prisma's migration advisory lock: Gatehouse and Prisma's CLI exclude each other. */
const ADVISORY_LOCK_KEY = 72707369;

export interface Migration {
  name: string;
  script: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

export class MigrationError extends OperatorError {
  constructor(
    message: string,
    readonly migration: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** Reads `<dir>/<name>/migration.sql` for every migration folder, in name order. */
export async function readMigrations(dir: string = defaultMigrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => ({ name, script: await readFile(join(dir, name, "migration.sql"), "utf8") })),
  );
}

/** SHA-256 of the script, hex: what Prisma stores in `_prisma_migrations.checksum`. */
export function checksum(script: string): string {
  return createHash("sha256").update(script).digest("hex");
}

/** Prisma accepts a script whose only change is its line endings (git may rewrite them). */
function matchesChecksum(script: string, expected: string): boolean {
  const lf = script.replace(/\r\n/g, "\n");
  return [script, lf, lf.replace(/\n/g, "\r\n")].some((variant) => checksum(variant) === expected);
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied in the database but unknown to this build (the database is newer). */
  unknown: string[];
}

export interface MigrateOptions {
  /** How long to wait for another process holding the migration lock. */
  lockTimeoutMs?: number;
  onLockWait?: () => void;
  onApplied?: (name: string, ms: number) => void;
}

/**
 * Checks the applied migrations against `migrations` without changing anything.
 * Throws a MigrationError when an applied migration was edited or a previous attempt failed.
 */
export async function migrationStatus(pool: SqlPool, migrations: Migration[]): Promise<MigrationStatus> {
  return pool.withSession(async (session) => {
    const [exists] = await session.query<{ exists: boolean }>(
      "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists",
    );
    const rows = exists?.exists ? await readApplied(session) : [];
    return verify(rows, migrations);
  });
}

/** Applies every pending migration, in order, each in its own transaction. Returns their names. */
export async function migrate(pool: SqlPool, migrations: Migration[], options: MigrateOptions = {}): Promise<string[]> {
  return pool.withSession(async (session) => {
    // A migration may rewrite a large table: the operations' statement_timeout is not for it.
    await session.exec("SET statement_timeout = 0");
    await acquireLock(session, options);
    try {
      await session.exec(BOOKKEEPING_TABLE);
      const { pending } = verify(await readApplied(session), migrations);
      for (const name of pending) {
        const migration = migrations.find((candidate) => candidate.name === name)!;
        const started = performance.now();
        await applyOne(session, migration);
        options.onApplied?.(name, performance.now() - started);
      }
      return pending;
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
      await session.exec("RESET statement_timeout");
    }
  });
}

async function acquireLock(session: SqlSession, options: MigrateOptions): Promise<void> {
  const deadline = Date.now() + (options.lockTimeoutMs ?? 120_000);
  let warned = false;
  for (;;) {
    const [row] = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
      ADVISORY_LOCK_KEY,
    ]);
    if (row?.locked) return;
    if (Date.now() > deadline) {
      throw new MigrationError(
        "Timed out waiting for another process to finish applying migrations (advisory lock " +
          `${ADVISORY_LOCK_KEY}). If none is running, a stuck session holds the lock: end it in PostgreSQL.`,
        "",
      );
    }
    if (!warned) options.onLockWait?.();
    warned = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function readApplied(session: SqlSession): Promise<AppliedRow[]> {
  return session.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM _prisma_migrations
     WHERE rolled_back_at IS NULL ORDER BY started_at, migration_name`,
  );
}

function verify(rows: AppliedRow[], migrations: Migration[]): MigrationStatus {
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  const applied = new Set<string>();
  const unknown: string[] = [];
  for (const row of rows) {
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} was started but never finished (an earlier failed run, ` +
          "probably of `prisma migrate deploy`). Repair the database by hand, then mark it with " +
          "`prisma migrate resolve`, or delete its row from _prisma_migrations.",
        row.migration_name,
      );
    }
    const local = byName.get(row.migration_name);
    if (!local) {
      unknown.push(row.migration_name);
      continue;
    }
    if (!matchesChecksum(local.script, row.checksum)) {
      throw new MigrationError(
        `Migration ${row.migration_name} was edited after it was applied: its checksum in the ` +
          `database is ${row.checksum}, the file's is ${checksum(local.script)}. Applied migrations ` +
          "must not change: restore the file, and put the change in a new migration.",
        row.migration_name,
      );
    }
    applied.add(row.migration_name);
  }
  return {
    applied: [...applied],
    pending: migrations.map((migration) => migration.name).filter((name) => !applied.has(name)),
    unknown,
  };
}

async function applyOne(session: SqlSession, migration: Migration): Promise<void> {
  const id = randomUUID();
  await session.exec("BEGIN");
  try {
    await session.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, checksum(migration.script), migration.name],
    );
    await session.exec(migration.script);
    await session.query(
      "UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = 1 WHERE id = $1",
      [id],
    );
    await session.exec("COMMIT");
  } catch (error) {
    await session.exec("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`, migration.name, {
      cause: error,
    });
  }
}

/** Prisma's bookkeeping table, exactly as `prisma migrate` creates it. */
const BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;
