// What an operator sees when Gatehouse cannot start: one line naming the cause (the option, the
// database, the port), a non-zero exit, no stack trace, and never a secret or a URL's password.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "../support/cli.js";
import { postgresUrlFor, testBackend } from "../support/env.js";

const spawnTimeout = 120_000;
const validSecret = "correct-horse-battery-staple-0123456789";
const password = "hunter2-s3cret";

/** One line on standard error, starting with `gatehouse:`, and no stack trace. */
function expectOneLine(result: CliResult, exitCode: number): string {
  expect(result.code).toBe(exitCode);
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^gatehouse: /);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain("unexpected error");
  return lines[0]!;
}

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "gatehouse-operator-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

// Each case is its own process: they run side by side.
describe.concurrent("a bad configuration", () => {
  it("names GATEHOUSE_SECRET and which secret is short, without printing any of them", { timeout: spawnTimeout }, async () => {
    const line = expectOneLine(await runCli(["serve", "--port", "0"], { GATEHOUSE_SECRET: `${validSecret},short` }), 2);
    expect(line).toContain("GATEHOUSE_SECRET");
    expect(line).toContain("secret 2 of 2 has 5");
    expect(line).not.toContain(validSecret);
    expect(line).not.toContain("short");
  });

  it("names GATEHOUSE_METRICS_TOKEN without printing it", { timeout: spawnTimeout }, async () => {
    const line = expectOneLine(await runCli(["serve", "--port", "0"], { GATEHOUSE_METRICS_TOKEN: "tiny-token" }), 2);
    expect(line).toContain("GATEHOUSE_METRICS_TOKEN must be at least 16 characters");
    expect(line).not.toContain("tiny-token");
  });

  it("shows a bad DATABASE_URL with its password masked", { timeout: spawnTimeout }, async () => {
    const line = expectOneLine(await runCli(["serve", "--port", "0"], { DATABASE_URL: `mysql://app:${password}@db.example/app` }), 2);
    expect(line).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql://app:***@db.example/app")');
    expect(line).not.toContain(password);
  });

  it("says where JSON in an option is broken", { timeout: spawnTimeout }, async () => {
    const line = expectOneLine(
      await runCli(["serve", "--port", "0"], { GATEHOUSE_DATA_DIR: join(folder, "json"), GATEHOUSE_TRUSTED_ISSUERS: '[{"issuer" "https://id.example.com"}]' }),
      2,
    );
    expect(line).toMatch(/GATEHOUSE_TRUSTED_ISSUERS is not valid JSON \(.*position \d+.*\)/);
  });
});

describe("an unreachable database", () => {
  it("stops start-up with the URL (password masked) and the reason", { timeout: spawnTimeout }, async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const line = expectOneLine(
      await runCli(["serve", "--port", "0"], { DATABASE_URL: `postgresql://gatehouse:${password}@127.0.0.1:1/gatehouse` }),
      1,
    );
    expect(line).toBe(
      "gatehouse: cannot connect to PostgreSQL at postgresql://gatehouse:***@127.0.0.1:1/gatehouse (DATABASE_URL): " +
        "connection refused (is PostgreSQL running, and listening on that host and port?)",
    );
  });

  if (testBackend === "postgres") {
    it("names a database that does not exist", { timeout: spawnTimeout }, async () => {
      const url = postgresUrlFor("gatehouse_no_such_database");
      const line = expectOneLine(await runCli(["migrate"], { DATABASE_URL: url }), 1);
      expect(line).toContain('(DATABASE_URL): database "gatehouse_no_such_database" does not exist');
    });
  }
});

describe("a port in use", () => {
  let occupier: Server;
  let port: number;
  beforeAll(async () => {
    occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, "127.0.0.1", resolve));
    port = (occupier.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => occupier.close(resolve));
  });

  it("is found before the database is opened or migrated", { timeout: spawnTimeout }, async () => {
    const dataDir = join(folder, "port");
    const line = expectOneLine(
      await runCli(["serve", "--port", String(port), "--host", "127.0.0.1"], { GATEHOUSE_DATA_DIR: dataDir }),
      1,
    );
    expect(line).toBe(`gatehouse: port ${port} on 127.0.0.1 is in use by another process; stop it or set PORT to another port`);
    // The embedded database would have created its folder: start-up stopped before opening it.
    expect(existsSync(dataDir)).toBe(false);
  });
});
