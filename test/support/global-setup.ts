// Once per test run: a migrated template database that each test file copies, so no test pays
// for creating and migrating a database from scratch.
//   embedded:   a PGlite data-directory dump in a temporary file;
//   PostgreSQL: a template database, copied with CREATE DATABASE … TEMPLATE.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/index.js";
import { openEmbedded } from "../../src/db/embedded.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { postgresUrlFor, testPostgresUrl } from "./env.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Embedded: path of the migrated data-directory dump. */
    embeddedTemplate: string;
    /** Embedded: path of a dump of a new, empty database. */
    embeddedEmptyTemplate: string;
    /** PostgreSQL: name of the migrated template database; test databases are named after it. */
    postgresTemplate: string;
  }
}

let cleanup: (() => Promise<void>) | undefined;

export async function setup(project: TestProject) {
  const migrations = await readMigrations();
  if (testPostgresUrl) {
    const template = `gatehouse_test_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${template}"`);
    const db = await openDatabase({ kind: "postgres", url: postgresUrlFor(template), poolSize: 2 });
    await migrate(db.pool, migrations);
    await db.close();
    project.provide("postgresTemplate", template);
    project.provide("embeddedTemplate", "");
    project.provide("embeddedEmptyTemplate", "");
    cleanup = async () => {
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`${template}%`],
      );
      // The template last: the per-file copies are named after it.
      for (const { datname } of rows.sort((a, b) => b.datname.length - a.datname.length)) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
      await admin.end();
    };
  } else {
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-test-"));
    const embedded = await openEmbedded("memory://");
    const dump = async (file: string) => {
      await writeFile(file, Buffer.from(await (await embedded.pglite.dumpDataDir("none")).arrayBuffer()));
      return file;
    };
    project.provide("embeddedEmptyTemplate", await dump(join(dir, "empty.tar")));
    await migrate(embedded.pool, migrations);
    project.provide("embeddedTemplate", await dump(join(dir, "migrated.tar")));
    await embedded.close();
    project.provide("postgresTemplate", "");
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
}

export async function teardown() {
  await cleanup?.();
}
