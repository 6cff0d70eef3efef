// The embedded database: PostgreSQL compiled to WebAssembly (PGlite), in this process.
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { citext } from "@electric-sql/pglite/contrib/citext";
import lockfile from "proper-lockfile";
import { OperatorError } from "../errors.js";
import type { SqlPool, SqlSession } from "./sql.js";

export class DataDirLockedError extends OperatorError {
  constructor(readonly dataDir: string) {
    super(
      `The embedded database in ${dataDir} is in use by another Gatehouse process. ` +
        "Stop it, or set GATEHOUSE_DATA_DIR to another folder.",
    );
    this.name = "DataDirLockedError";
  }
}

/**
 * PostgreSQL's settings in PGlite, beside PGlite's own. `shared_buffers`: PostgreSQL's default,
 * 128 MB, is touched in full at start in PGlite's WebAssembly memory (which never shrinks), 130 MB
 * of resident memory for a cache of pages the operating system caches too (PGlite reads the data
 * folder through Node's file system). 16 MB holds a small deployment's hot index pages; measured
 * resident memory at ready went from 468 to 330 MB (docs/performance.md, "Start and memory").
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

export interface EmbeddedDatabase {
  pglite: PGlite;
  pool: SqlPool;
  close(): Promise<void>;
}

export interface OpenEmbeddedOptions {
  /** A data directory dump (PGlite `dumpDataDir`) to start from; tests use a migrated template. */
  loadDataDir?: Blob | File;
  /**
   * Called under the folder's lock when it has no database folder yet (`pgdata`): may create it (a
   * copy of the build's migrated template); when it does not, PGlite creates the database with initdb.
   */
  createFrom?: (pgdata: string) => Promise<void>;
}

/**
 * Opens (creating when needed) the embedded database in `dataDir`, or in memory for `memory://`.
 * PGlite does not guard its folder against a second process, so a lock file does: two processes
 * writing one folder would corrupt it.
 */
export async function openEmbedded(dataDir: string, options: OpenEmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const inMemory = dataDir.startsWith("memory://");
  let unlock: (() => Promise<void>) | undefined;
  if (!inMemory) {
    await mkdir(dataDir, { recursive: true });
    try {
      unlock = await lockfile.lock(dataDir, { lockfilePath: join(dataDir, "gatehouse.lock"), stale: 15_000 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ELOCKED") throw new DataDirLockedError(dataDir);
      throw error;
    }
  }
  let pglite: PGlite;
  try {
    const pgdata = join(dataDir, "pgdata");
    if (!inMemory && options.createFrom && !(await exists(pgdata))) await options.createFrom(pgdata);
    pglite = await PGlite.create(inMemory ? undefined : pgdata, {
      extensions: { citext },
      startParams: START_PARAMS,
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (error) {
    await unlock?.();
    throw error;
  }
  const session: SqlSession = {
    async query<Row>(text: string, params: unknown[] = []) {
      return (await pglite.query<Row>(text, params)).rows;
    },
    async exec(script: string) {
      await pglite.exec(script);
    },
  };
  // PGlite is a single connection: sessions take turns on it, so one session's transaction or
  // advisory lock never interleaves with another's statements.
  let turn: Promise<unknown> = Promise.resolve();
  const pool: SqlPool = {
    withSession(work) {
      const result = turn.then(() => work(session));
      turn = result.catch(() => undefined);
      return result;
    },
  };
  return {
    pglite,
    pool,
    async close() {
      try {
        if (!pglite.closed) await pglite.close();
      } finally {
        await unlock?.();
      }
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
