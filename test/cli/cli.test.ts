// The `gatehouse` command as an operator uses it: separate processes, real data folders.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/index.js";
import { readMigrations } from "../../src/db/migrate.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCli, serve } from "../support/cli.js";
import { testBackend } from "../support/env.js";

// Every test here starts Node processes (each loads the CLI through tsx); on a loaded machine one
// start alone can take tens of seconds.
vi.setConfig({ testTimeout: 180_000 });

describe("gatehouse --help", () => {
  it("documents every command", async () => {
    const commands = ["serve", "migrate", "print-schema", "bootstrap", "seed", "token", "keys rotate", "keys list", "build-template"];
    const results = await Promise.all(commands.map((command) => runCli([...command.split(" "), "--help"])));
    results.forEach(({ code, stdout }, i) => {
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: gatehouse ${commands[i]}`);
    });
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
    // The data folder holds the embedded database, and in development the generated secret, on
    // both backends.
    env = {
      GATEHOUSE_DATA_DIR: join(dataDir, "data"),
      ...(database.config.kind === "postgres" ? { DATABASE_URL: database.config.url } : {}),
    };
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
    const names = (await readMigrations()).map((migration) => migration.name);
    const { code, stderr } = await runCli(["serve", "--port", "0", "--migrate-on-start", "false"], env);
    expect(code).toBe(1);
    expect(stderr).toContain(`${names.length} migration(s) pending (${names.join(", ")})`);
    expect(stderr).toContain("Run `gatehouse migrate` first");
  });

  it("migrates, then finds nothing more to do", async () => {
    // Every migration of this build, whichever were added since this test was written.
    const names = (await readMigrations()).map((migration) => migration.name);
    expect(names.slice(0, 2)).toEqual(["20261121000000_init", "20261121120000_change_notifications"]);
    expect(JSON.parse((await runCli(["migrate", "--status"], env)).stdout)).toMatchObject({ applied: [], pending: names });
    const first = await runCli(["migrate"], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Applied ${names.length} migration(s): ${names.join(", ")}`);
    const second = await runCli(["migrate"], env);
    expect(second.stdout).toContain("Database is up to date.");
  });

  it("serves, stops on SIGTERM, and keeps its data across a restart", async () => {
    const first = await serve(env);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect(await first.stop()).toBe(0);
    expect(first.logs.some((entry) => entry.msg === "stopped")).toBe(true);
    // Development without GATEHOUSE_SECRET: a generated secret, kept private in the data folder.
    expect(first.logs.some((entry) => entry.level === 40 && String(entry.msg).startsWith("GATEHOUSE_SECRET is not set"))).toBe(true);
    const secretFile = await stat(join(env.GATEHOUSE_DATA_DIR!, "secret"));
    expect(secretFile.mode & 0o777).toBe(0o600);

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
    await db.pool.withSession((session) => session.query("UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = '20261121000000_init'"));
    await db.close();

    const { code, stderr } = await runCli(["serve", "--port", "0"], env);
    expect(code).toBe(1);
    expect(stderr).toContain("gatehouse: Migration 20261121000000_init was edited after it was applied");
  });
});

describe("gatehouse bootstrap, seed, token and keys", () => {
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string>;

  async function openSameDatabase() {
    return openDatabase(
      database.config.kind === "postgres" ? database.config : { kind: "embedded", dataDir: env.GATEHOUSE_DATA_DIR! },
    );
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "gatehouse-cli-"));
    database = await createTestDatabase({ migrated: false });
    env = {
      GATEHOUSE_SECRET: "s".repeat(40),
      GATEHOUSE_DATA_DIR: join(dataDir, "data"),
      ...(database.config.kind === "postgres" ? { DATABASE_URL: database.config.url } : {}),
    };
  });
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("bootstraps an admin once, showing its secret only the first time", async () => {
    const first = await runCli(["bootstrap", "--json"], env);
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout) as Record<string, string>;
    expect(created).toEqual({
      issuer: "http://127.0.0.1:4000",
      tokenEndpoint: "http://127.0.0.1:4000/oauth/token",
      managementResource: "urn:gatehouse:management",
      clientId: expect.any(String),
      clientSecret: expect.stringMatching(/^ghs_[\w-]{43}$/),
    });
    expect(first.stdout + first.stderr).not.toMatch(/"level":\d+.*ghs_/);

    const again = JSON.parse((await runCli(["bootstrap", "--json"], env)).stdout) as Record<string, string>;
    expect(again).toEqual({ ...created, clientSecret: undefined });
    expect(again).not.toHaveProperty("clientSecret");
  });

  it("bootstrap also creates the default organization template, and seed leaves changed roles alone", async () => {
    const db = await openSameDatabase();
    try {
      const roles = await db.prisma.organizationRole.findMany({ orderBy: { name: "asc" }, include: { scopes: { include: { scope: true } } } });
      expect(roles.map((role) => role.name)).toEqual(["admin", "member", "viewer"]);
      const viewer = roles.find((role) => role.name === "viewer")!;
      expect(viewer.scopes.map((link) => link.scope.name)).toEqual(["read:organization"]);
      await db.prisma.organizationRoleScope.deleteMany({ where: { roleId: viewer.id } });
    } finally {
      await db.close();
    }
    const seeded = await runCli(["seed"], env);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain("Template: 0 permission(s) and 0 role(s) created");
    const db2 = await openSameDatabase();
    try {
      expect(await db2.prisma.organizationRoleScope.count({ where: { role: { name: "viewer" } } })).toBe(0);
    } finally {
      await db2.close();
    }
  });

  it("mints development tokens only in development mode", async () => {
    const token = await runCli(["token", "--management", "--scope", "organizations:read"], env);
    expect(token.code).toBe(0);
    const [, payload] = token.stdout.trim().split(".");
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({
      aud: "urn:gatehouse:management",
      scope: "organizations:read",
      iss: "http://127.0.0.1:4000",
    });

    const refused = await runCli(["token", "--management"], { ...env, GATEHOUSE_MODE: "production", GATEHOUSE_ISSUER: "https://id.example.test" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("development tokens are disabled: GATEHOUSE_MODE is production");
  });

  it("mints through the running development server (no database lock), printing only the token", async () => {
    const server = await serve(env);
    try {
      const token = await runCli(["token", "--management", "--scope", "users:read"], env);
      expect(token.stderr).toBe("");
      expect(token.code).toBe(0);
      expect(token.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      // Signed by the server: its own address is the issuer (this process would say 127.0.0.1:4000).
      const [, payload] = token.stdout.trim().split(".");
      expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({ iss: server.url, scope: "users:read" });

      const refused = await runCli(["token", "--management", "--scope", "root"], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("invalid_scope: unknown management scope(s): root");
    } finally {
      expect(await server.stop()).toBe(0);
    }
    await expect(stat(join(env.GATEHOUSE_DATA_DIR!, "dev-server.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("rotates keys, keeping the retired one listed", async () => {
    const before = JSON.parse((await runCli(["keys", "list"], env)).stdout) as { kid: string; status: string }[];
    const rotated = await runCli(["keys", "rotate"], env);
    expect(rotated.code).toBe(0);
    const kid = /New signing key: (\S+)/.exec(rotated.stdout)?.[1];
    const after = JSON.parse((await runCli(["keys", "list"], env)).stdout) as { kid: string; status: string }[];
    expect(after.map((key) => [key.kid, key.status])).toEqual([
      [kid, "ACTIVE"],
      ...before.map((key) => [key.kid, "RETIRED"]),
    ]);
  });

  it("refuses to start with a secret that cannot decrypt the signing keys", async () => {
    const { code, stderr } = await runCli(["serve", "--port", "0"], { ...env, GATEHOUSE_SECRET: "t".repeat(40) });
    expect(code).toBe(1);
    expect(stderr).toContain("gatehouse: a signing key is encrypted with a secret that is not configured");
  });

  it("in production, refuses to start without an issuer and a secret", async () => {
    const { code, stderr } = await runCli(["serve"], { GATEHOUSE_MODE: "production", GATEHOUSE_DATA_DIR: join(dataDir, "prod") });
    expect(code).toBe(2);
    expect(stderr).toContain("GATEHOUSE_ISSUER is required in production");
    expect(stderr).toContain("GATEHOUSE_SECRET is required in production");
  });
});
