// .ci/run runs the suite on PostgreSQL without the files whose behaviour cannot depend on the test
// database: nothing they load from test/ reads GATEHOUSE_TEST_DATABASE_URL (test/support/env.ts is
// the one module that does), so the run on the embedded database already tested what they test.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (file: string) => readFileSync(join(root, file), "utf8");
const ENV_MODULE = "test/support/env.ts";

/** The test files in .ci/run's `database_free=(…)` list. */
function databaseFree(): string[] {
  const list = /^database_free=\(([^)]*)\)/m.exec(read(".ci/run"))?.[1];
  if (list === undefined) throw new Error(".ci/run has no database_free=(…) list");
  return list.split(/\s+/).filter(Boolean);
}

/**
 * `file` and the files under test/ it imports, transitively (static and dynamic imports). Import-like
 * text in strings (test/architecture/layers.test.ts has some) counts when it names a file that exists.
 */
function testModules(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, specifier] of read(file).matchAll(/(?:\bfrom|\bimport)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    const target = relative(root, resolve(root, dirname(file), specifier!)).replace(/\.js$/, ".ts");
    if (target.startsWith("test/") && existsSync(join(root, target))) testModules(target, seen);
  }
  return seen;
}

const READS_THE_URL = /process\.env(\.GATEHOUSE_TEST_DATABASE_URL\b|\[\s*["'`]GATEHOUSE_TEST_DATABASE_URL)/;

/** The modules of `file`'s graph under test/ that read the test database's URL. */
const readingTheDatabaseUrl = (file: string) =>
  [...testModules(file)].filter((module) => module === ENV_MODULE || READS_THE_URL.test(read(module)));

describe(".ci/run's files left out of the PostgreSQL run", () => {
  it("are test files that exist, each named", () => {
    const files = databaseFree();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file).toMatch(/^test\/.+\.test\.ts$/);
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    expect(read(".ci/run")).toMatch(/GATEHOUSE_TEST_DATABASE_URL=\S+ npm test -- "\$\{database_free\[@\]\/#\/--exclude=\}"/);
  });

  it("load nothing that reads the test database's URL", () => {
    for (const file of databaseFree()) expect(readingTheDatabaseUrl(file), file).toEqual([]);
  });

  it("would be caught using the test database, through test/support", () => {
    expect(readingTheDatabaseUrl("test/graphql/viewer.test.ts")).toContain(ENV_MODULE);
    expect(READS_THE_URL.test(read(ENV_MODULE))).toBe(true);
  });
});
