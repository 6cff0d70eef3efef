// The embedded database's template: a new, empty database with every migration applied, written at
// build time (`gatehouse build-template`, which `npm run build`, `npm install` and the Docker image's
// build run). A new data folder is copied from it instead of running initdb and every migration,
// which took most of a first start (seconds on a small machine). It is a data folder as PGlite
// leaves it, so the copy is a plain file copy (unpacking a dump through PGlite's file system cost
// a second more). The template records the PGlite version and the checksum of each migration it
// holds; one that does not match this build is not used, and the folder is created and migrated as
// without a template. Never committed: it is built output.
import { copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { Logger } from "../logger.js";
import { installationPath } from "../paths.js";
import { openEmbedded } from "./embedded.js";
import { type Migration, checksum, migrate } from "./migrate.js";

/** Where `npm run build` writes the template: `embedded-template/` at the root of the installation. */
export const defaultTemplateDir = installationPath("embedded-template");

const MANIFEST = "manifest.json";
const PGDATA = "pgdata";

interface Manifest {
  /** PGlite's version: its PostgreSQL build wrote the data folder. */
  pglite: string;
  migrations: { name: string; checksum: string }[];
}

export type TemplateLookup =
  | { kind: "match"; dir: string; migrations: number }
  | { kind: "absent"; dir: string }
  | { kind: "mismatch"; dir: string; reason: string };

/** PGlite does not export its package.json: it sits beside the folder of its entry point. */
async function pgliteVersion(): Promise<string> {
  const packageJson = new URL("../package.json", import.meta.resolve("@electric-sql/pglite"));
  return (JSON.parse(await readFile(packageJson, "utf8")) as { version: string }).version;
}

/**
 * Builds the template in `dir`: a database created and migrated in a folder of its own beside it
 * (two builds at once each have theirs), then moved in.
 */
export async function writeTemplate(dir: string, migrations: Migration[]): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const building = await mkdtemp(`${dir}.building-`);
  const embedded = await openEmbedded(building);
  try {
    await migrate(embedded.pool, migrations);
  } finally {
    await embedded.close();
  }
  const manifest: Manifest = {
    pglite: await pgliteVersion(),
    migrations: migrations.map((migration) => ({ name: migration.name, checksum: checksum(migration.script) })),
  };
  // The manifest is written last: a template interrupted half-way has none, so it counts as absent.
  await writeFile(join(building, `${MANIFEST}.tmp`), `${JSON.stringify(manifest, null, 2)}\n`);
  await replaceFolder(building, dir);
  await rename(join(dir, `${MANIFEST}.tmp`), join(dir, MANIFEST));
}

/** Moves `from` to `to`, replacing it; another build replacing it at the same moment makes one retry. */
async function replaceFolder(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await rm(to, { recursive: true, force: true });
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 3 || (code !== "ENOTEMPTY" && code !== "EEXIST")) throw error;
    }
  }
}

/**
 * The template in `dir`, when this build can start from it: the same PGlite, and migrations that are
 * this build's first ones, checksums included (later ones are then applied as usual).
 */
export async function findTemplate(dir: string, migrations: Migration[]): Promise<TemplateLookup> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), "utf8")) as Manifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent", dir };
    return { kind: "mismatch", dir, reason: `its ${MANIFEST} cannot be read (${(error as Error).message})` };
  }
  const reason = await mismatch(manifest, migrations);
  return reason ? { kind: "mismatch", dir, reason } : { kind: "match", dir, migrations: manifest.migrations.length };
}

async function mismatch(manifest: Manifest, migrations: Migration[]): Promise<string | undefined> {
  const version = await pgliteVersion();
  if (manifest.pglite !== version) return `it was built with PGlite ${String(manifest.pglite)}, this build has ${version}`;
  if (!Array.isArray(manifest.migrations)) return "its manifest lists no migrations";
  for (const [index, held] of manifest.migrations.entries()) {
    const ours = migrations[index];
    if (!ours || ours.name !== held.name) return `it holds migration ${held.name}, which this build does not have at that place`;
    if (checksum(ours.script) !== held.checksum) return `its migration ${held.name} has another checksum than this build's`;
  }
  return undefined;
}

/**
 * `createFrom` for a new embedded data folder: copies the template in `dir` when it matches
 * `migrations` (into a folder beside the target, renamed once complete, so an interrupted copy never
 * looks like a database). `report` hears what was found either way (the server logs it).
 */
export function fromTemplate(dir: string, migrations: Migration[], report: (lookup: TemplateLookup) => void): (pgdata: string) => Promise<void> {
  return async (pgdata) => {
    const lookup = await findTemplate(dir, migrations);
    if (lookup.kind === "match") {
      const partial = `${pgdata}.partial`;
      await rm(partial, { recursive: true, force: true });
      await copyFolder(join(dir, PGDATA), partial);
      await rename(partial, pgdata);
    }
    report(lookup);
  };
}

/**
 * Copies the folder `from` (folders and regular files only, as PostgreSQL leaves a data folder) to
 * `to`, which must not exist. Hand-written instead of `fs.cp`: for each of the template's ~1,100 files
 * `fs.cp` stats the source, the destination and the destination's parents, then sets the mode
 * afterwards; that was ~300 ms of the main thread's CPU in a new folder's start, where the template
 * is this build's own output and the destination a folder nobody else writes. Here: one recursive
 * listing, the folders in order (a parent sorts before its children), then every file copied at
 * once (`copyFile` copies in the kernel, on libuv's threads, and gives the copy the source's mode).
 */
async function copyFolder(from: string, to: string): Promise<void> {
  const entries = await readdir(from, { withFileTypes: true, recursive: true });
  const odd = entries.find((entry) => !entry.isFile() && !entry.isDirectory());
  if (odd) throw new Error(`${join(odd.parentPath, odd.name)} is neither a file nor a folder: the template is not a data folder`);
  const target = (entry: (typeof entries)[number]) => join(to, relative(from, join(entry.parentPath, entry.name)));
  await mkdir(to);
  for (const folder of entries.filter((entry) => entry.isDirectory()).map(target).sort()) await mkdir(folder);
  await Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => copyFile(join(entry.parentPath, entry.name), target(entry))));
}

/** How start-up logs what it found: a mismatch is a warning (the start is slower than it should be). */
export function logTemplateLookup(logger: Logger): (lookup: TemplateLookup) => void {
  return (lookup) => {
    if (lookup.kind === "match") {
      logger.info({ template: lookup.dir, migrations: lookup.migrations }, "new embedded database created from the build's template");
    } else if (lookup.kind === "absent") {
      logger.info({ template: lookup.dir }, "no embedded database template (`npm run build` writes one): creating the database with initdb");
    } else {
      logger.warn({ template: lookup.dir, reason: lookup.reason }, "the embedded database template does not match this build: creating the database with initdb");
    }
  };
}
