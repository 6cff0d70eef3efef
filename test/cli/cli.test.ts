// The `gatehouse` command as an operator uses it: separate processes, real data folders.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCli, serve } from "../support/cli.js";
import { testBackend } from "../support/env.js";

describe("gatehouse --help", () => {
  it.each(["serve", "migrate", "print-schema"])("documents %s", async (command) => {
    const { code, stdout } = await runCli([command, "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: gatehouse ${command}`);
  });

  it("lists every configuration option of serve with its environment variable", async () => {
    const { stdout } = await runCli(["serve", "--help"]);
    for (const env of ["PORT", "HOST", "DATABASE_URL", "GATEHOUSE_DATA_DIR", "DATABASE_POOL_SIZE"]) {
      expect(stdout).toContain(`[env: ${env}]`);
    }
  });
});

describe("gatehouse print-schema", () => {
  it("prints the committed schema.graphql", async () => {
    const { code, stdout } = await runCli(["print-schema"]);
    expect(code).toBe(0);
    expect(stdout).toBe(await readFile("schema.graphql", "utf8"));
  });
});

describe("gatehouse serve, with bad configuration", () => {
  it("stops before starting and names the variable", async () => {
    const { code, stderr } = await runCli(["serve"], { PORT: "eighty", DATABASE_POOL_SIZE: "0" });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT must be a number (got "eighty")');
    expect(stderr).toContain('DATABASE_POOL_SIZE must be between 1 and 1000 (got "0")');
  });
});

describe(`gatehouse migrate and serve on ${testBackend === "postgres" ? "PostgreSQL" : "the embedded database"}`, () => {
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "gatehouse-cli-"));
    database = await createTestDatabase({ migrated: false });
    env =
      database.config.kind === "postgres"
        ? { DATABASE_URL: database.config.url }
        : { GATEHOUSE_DATA_DIR: join(dataDir, "data") };
  });
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function openSameDatabase() {
    return openDatabase(
      database.config.kind === "postgres" ? database.config : { kind: "embedded", dataDir: env.GATEHOUSE_DATA_DIR! },
    );
  }

  it("refuses to serve an unmigrated database when migrating on start is off", async () => {
    const { code, stderr } = await runCli(["serve", "--port", "0", "--migrate-on-start", "false"], env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/1 migration\(s\) pending \(20261121000000_init\).*Run `gatehouse migrate` first/);
  });

  it("migrates, then finds nothing more to do", async () => {
    expect((await runCli(["migrate", "--status"], env)).stdout).toContain('"pending": [\n    "20261121000000_init"');
    const first = await runCli(["migrate"], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Applied 1 migration(s): 20261121000000_init");
    const second = await runCli(["migrate"], env);
    expect(second.stdout).toContain("Database is up to date.");
  });

  it("serves, stops on SIGTERM, and keeps its data across a restart", async () => {
    const first = await serve(env);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect(await first.stop()).toBe(0);
    expect(first.logs.some((entry) => entry.msg === "stopped")).toBe(true);

    const db = await openSameDatabase();
    const organization = await db.prisma.organization.create({ data: { name: "Survives restarts" } });
    await db.close();

    const second = await serve(env);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(second.logs.some((entry) => entry.msg === "migration applied")).toBe(false);
    expect(await second.stop()).toBe(0);

    const reopened = await openSameDatabase();
    expect(await reopened.prisma.organization.findUnique({ where: { id: organization.id } })).not.toBeNull();
    await reopened.close();
  });

  if (testBackend === "embedded") {
    it("refuses a second server on the same data folder", async () => {
      const first = await serve(env);
      try {
        const { code, stderr } = await runCli(["serve", "--port", "0"], env);
        expect(code).toBe(1);
        expect(stderr).toContain("is in use by another Gatehouse process");
      } finally {
        await first.stop();
      }
    });
  } else {
    it("runs replicas side by side on one PostgreSQL database", async () => {
      const [first, second] = await Promise.all([serve(env), serve(env)]);
      try {
        for (const replica of [first, second]) expect((await fetch(`${replica.url}/readyz`)).status).toBe(200);
      } finally {
        expect(await Promise.all([first.stop(), second.stop()])).toEqual([0, 0]);
      }
    });
  }

  it("refuses to start when an applied migration was edited", async () => {
    const db = await openSameDatabase();
    await db.pool.withSession((session) => session.query("UPDATE _prisma_migrations SET checksum = repeat('0', 64)"));
    await db.close();

    const { code, stderr } = await runCli(["serve", "--port", "0"], env);
    expect(code).toBe(1);
    expect(stderr).toContain("gatehouse: Migration 20261121000000_init was edited after it was applied");
  });
});
