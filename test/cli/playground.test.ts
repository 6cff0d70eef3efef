// The README's quick start, as a new user runs it: `npm start` (here `gatehouse serve`, what the
// script runs) serves a development playground: the admin application bootstrapped, demo data
// added, the GraphiQL URL printed; a token from `gatehouse token` runs the README's example query.
// Production start-up bootstraps and seeds nothing.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/index.js";
import { runCli, serve } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { readmeExampleQuery } from "../support/readme.js";

// Each test starts the server and the CLI as processes; on a loaded machine that takes a while.
vi.setConfig({ testTimeout: 180_000 });

const GRAPHIQL_LINE = /^ {2}GraphiQL: {2}(http:\/\/\S+\/graphql)$/;

async function graphql(url: string, token: string, query: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, any>; errors?: unknown[] } };
}

let dataDir: string;
const databases: TestDatabase[] = [];

/** A data folder of its own, and on a PostgreSQL run a database of its own. */
async function environment(name: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const database = await createTestDatabase({ migrated: false });
  databases.push(database);
  return {
    GATEHOUSE_DATA_DIR: join(dataDir, name),
    ...(database.config.kind === "postgres" ? { DATABASE_URL: database.config.url } : {}),
    ...extra,
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "gatehouse-playground-"));
});
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start in development", () => {
  it("serves a bootstrapped playground with demo data and prints the GraphiQL URL; the README's query runs", async () => {
    const env = await environment("demo");
    const server = await serve(env, [], GRAPHIQL_LINE);
    try {
      const graphiqlUrl = GRAPHIQL_LINE.exec(server.text.find((line) => GRAPHIQL_LINE.test(line))!)![1]!;
      expect(graphiqlUrl).toBe(`${server.url}/graphql`);
      const banner = server.text.join("\n");
      expect(banner).toContain("npm run -s gatehouse -- token --management");
      expect(banner).toMatch(/Acme \S+: ada@example\.com \(admin\), grace@example\.com \(member\), alan@example\.com \(member\)/);
      expect(banner).toMatch(/Globex \S+: grace@example\.com \(admin\)/);

      // GraphiQL's page is there.
      const page = await fetch(graphiqlUrl, { headers: { accept: "text/html" } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Gatehouse GraphiQL");

      const token = await runCli(["token", "--management"], env);
      expect(token.code).toBe(0);
      const result = await graphql(graphiqlUrl, token.stdout.trim(), await readmeExampleQuery());
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      const organizations = result.body.data!.organizations as { totalCount: number; edges: { node: { name: string; members: any } }[] };
      expect(organizations.totalCount).toBe(2);
      const acme = organizations.edges.find((edge) => edge.node.name === "Acme")!.node;
      const members = acme.members.edges.map((edge: any) => [edge.node.user.name, edge.node.roles.map((role: any) => role.name)]);
      expect(members).toEqual(
        expect.arrayContaining([
          ["Ada Lovelace", ["admin"]],
          ["Grace Hopper", ["member"]],
          ["Alan Turing", ["member"]],
        ]),
      );

      // A demo member's token, with the organization id the banner printed.
      const acmeId = /Acme (\S+):/.exec(banner)![1]!;
      const member = await runCli(["token", "--user", "ada@example.com", "--organization", acmeId], env);
      expect(member.code).toBe(0);
      const own = await graphql(graphiqlUrl, member.stdout.trim(), `{ organization(id: "${acmeId}") { name } }`);
      expect(own.body).toEqual({ data: { organization: { name: "Acme" } } });

      // The admin application's credentials stay in the data folder, private, and work at the token endpoint.
      const file = join(env.GATEHOUSE_DATA_DIR!, "admin-application.json");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const admin = JSON.parse(await readFile(file, "utf8")) as { clientId: string; clientSecret: string };
      expect(banner).toContain(`Admin M2M application: ${admin.clientId}`);
      expect(banner).not.toContain(admin.clientSecret);
      expect(JSON.stringify(server.logs)).not.toContain(admin.clientSecret);
      const issued = await fetch(`${server.url}/oauth/token`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${admin.clientId}:${admin.clientSecret}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "client_credentials", resource: "urn:gatehouse:management" }),
      });
      expect(issued.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }

    // A second start adds nothing twice and keeps the credentials file as it was.
    const again = await serve(env, [], GRAPHIQL_LINE);
    try {
      const token = (await runCli(["token", "--management"], env)).stdout.trim();
      const { body } = await graphql(`${again.url}/graphql`, token, "{ organizations { totalCount } users { totalCount } applications { totalCount } }");
      expect(body.data).toEqual({ organizations: { totalCount: 2 }, users: { totalCount: 3 }, applications: { totalCount: 1 } });
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });

  it("with --no-demo, bootstraps the admin application and the template but adds no demo data", async () => {
    const env = await environment("no-demo");
    const server = await serve(env, ["--no-demo"], GRAPHIQL_LINE);
    try {
      expect(server.text.join("\n")).not.toContain("example.com");
      const token = (await runCli(["token", "--management"], env)).stdout.trim();
      const { body } = await graphql(
        `${server.url}/graphql`,
        token,
        "{ organizations { totalCount } users { totalCount } applications { totalCount } }",
      );
      expect(body.data).toMatchObject({ organizations: { totalCount: 0 }, users: { totalCount: 0 }, applications: { totalCount: 1 } });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe("npm start in production", () => {
  it("bootstraps and seeds nothing, and prints no playground", async () => {
    const env = await environment("production", {
      GATEHOUSE_MODE: "production",
      GATEHOUSE_ISSUER: "https://id.example.test",
      GATEHOUSE_SECRET: "p".repeat(40),
    });
    const server = await serve(env);
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.text.join("\n")).not.toContain("GraphiQL");
    await expect(stat(join(env.GATEHOUSE_DATA_DIR!, "admin-application.json"))).rejects.toMatchObject({ code: "ENOENT" });
    const db = await openDatabase(env.DATABASE_URL ? { kind: "postgres", url: env.DATABASE_URL, poolSize: 2 } : { kind: "embedded", dataDir: env.GATEHOUSE_DATA_DIR! });
    try {
      const counts = await Promise.all([
        db.prisma.apiResource.count(),
        db.prisma.application.count(),
        db.prisma.role.count(),
        db.prisma.user.count(),
        db.prisma.organization.count(),
        db.prisma.organizationRole.count(),
      ]);
      expect(counts).toEqual([0, 0, 0, 0, 0, 0]);
    } finally {
      await db.close();
    }
  });
});
