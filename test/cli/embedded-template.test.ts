// The embedded database's template (`gatehouse build-template`, run by `npm run build`): a new data
// folder is created from it instead of initdb and the migrations; a template that does not match
// this build's migrations is ignored, and the folder is created and migrated as without one.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readMigrations } from "../../src/db/migrate.js";
import { createTestDatabase } from "../support/database.js";
import { runCli, serve } from "../support/cli.js";
import { testBackend } from "../support/env.js";

// Each test starts Node processes through tsx: tens of seconds each on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });

let root: string;
let template: string;
let names: string[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gatehouse-template-"));
  template = join(root, "template");
  names = (await readMigrations()).map((migration) => migration.name);
  const built = await runCli(["build-template", "--output", template]);
  expect(built.code, built.stderr).toBe(0);
  expect(built.stdout).toContain(`Wrote the embedded database template (${names.length} migrations`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const applied = (logs: Record<string, unknown>[]) => logs.filter((entry) => entry.msg === "migration applied").map((entry) => entry.migration);

if (testBackend === "embedded") {
  describe("a new embedded data folder", () => {
    it("is created from a matching template: ready, with no migration to apply, and `migrate --status` agrees", async () => {
      const env = { GATEHOUSE_DATA_DIR: join(root, "from-template"), GATEHOUSE_EMBEDDED_TEMPLATE: template };
      const first = await serve(env);
      try {
        expect(first.logs.find((entry) => entry.msg === "new embedded database created from the build's template")).toMatchObject({ template, migrations: names.length });
        expect(applied(first.logs)).toEqual([]);
        expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
        const created = await fetch(`${first.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ serverInfo { version } }" }),
        });
        expect(((await created.json()) as { data: unknown }).data).toEqual({ serverInfo: { version: expect.any(String) } });
      } finally {
        expect(await first.stop()).toBe(0);
      }
      // `gatehouse migrate` on the same folder: the template's bookkeeping is Prisma's, checksums included.
      const status = JSON.parse((await runCli(["migrate", "--status"], env)).stdout) as { applied: string[]; pending: string[] };
      expect(status).toMatchObject({ applied: names, pending: [] });
    });

    it("ignores a template whose migrations' checksums differ from this build's, and migrates instead", async () => {
      // This build's template, copied (a second build-template would write the same folder, at the
      // cost of another initdb and every migration), with one checksum in its manifest changed.
      const edited = join(root, "edited");
      await cp(template, edited, { recursive: true });
      const manifestFile = join(edited, "manifest.json");
      const manifest = JSON.parse(await readFile(manifestFile, "utf8")) as { migrations: { name: string; checksum: string }[] };
      manifest.migrations[1]!.checksum = "0".repeat(64);
      await writeFile(manifestFile, JSON.stringify(manifest));

      const server = await serve({ GATEHOUSE_DATA_DIR: join(root, "from-edited"), GATEHOUSE_EMBEDDED_TEMPLATE: edited });
      try {
        const warning = server.logs.find((entry) => entry.msg === "the embedded database template does not match this build: creating the database with initdb");
        expect(warning).toMatchObject({ level: 40, template: edited, reason: `its migration ${names[1]} has another checksum than this build's` });
        expect(applied(server.logs)).toEqual(names);
        expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    });

    it("is not created from the template when migrating on start is off (it would be a migration)", async () => {
      const { code, stderr } = await runCli(["serve", "--port", "0", "--migrate-on-start", "false"], {
        GATEHOUSE_DATA_DIR: join(root, "no-migrate"),
        GATEHOUSE_EMBEDDED_TEMPLATE: template,
      });
      expect(code).toBe(1);
      expect(stderr).toContain(`${names.length} migration(s) pending`);
    });
  });
} else {
  describe("on PostgreSQL", () => {
    it("migrates the database whatever the embedded template (it is for new embedded data folders only)", async () => {
      const database = await createTestDatabase({ migrated: false });
      try {
        if (database.config.kind !== "postgres") throw new Error("a PostgreSQL test database");
        const result = await runCli(["migrate"], { DATABASE_URL: database.config.url, GATEHOUSE_EMBEDDED_TEMPLATE: template });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`Applied ${names.length} migration(s)`);
      } finally {
        await database.drop();
      }
    });
  });
}
