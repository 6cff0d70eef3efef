// The shipped gateway profile, gateway/gateway.config.ts, loaded as it is through Hive Gateway's
// runtime (the package the federation tests use; not a second CLI install), in front of a real
// Gatehouse: in production it answers no introspection and suggests no field names, a bad token
// gets HTTP 401 with UNAUTHENTICATED, a good one reaches Gatehouse; with trusted documents only
// those run.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { composeSupergraph } from "../../scripts/compose-supergraph.js";
import { managementToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

vi.setConfig({ testTimeout: 120_000 });

let gatehouse: TestServer;
let supergraph: string;
let folder: string;
const runtimes: { dispose(): Promise<void> | void }[] = [];
const COUNT = "query Count { organizations { totalCount } }";

beforeAll(async () => {
  gatehouse = await startTestServer();
  const response = await fetch(`${gatehouse.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const sdl = ((await response.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;
  supergraph = composeSupergraph([{ name: "gatehouse", url: `${gatehouse.url}/graphql`, sdl }]).sdl;
  folder = await mkdtemp(join(tmpdir(), "gatehouse-gateway-"));
}, 180_000);
afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.dispose()));
  await gatehouse?.close();
  await rm(folder, { recursive: true, force: true });
});

/** gateway/gateway.config.ts, evaluated afresh under `env` (it reads its options when loaded). */
async function loadGateway(env: Record<string, string>) {
  vi.resetModules();
  const saved = { ...process.env };
  Object.assign(process.env, {
    GATEHOUSE_ISSUER: gatehouse.services.issuer(),
    GATEHOUSE_JWKS_URI: `${gatehouse.url}/oauth/jwks`,
    ...env,
  });
  try {
    const { gatewayConfig } = await import("../../gateway/gateway.config.js");
    const runtime = createGatewayRuntime({
      ...gatewayConfig,
      supergraph,
      logging: false,
      // Hive's runtime does not bring its HTTP transport (stack-notes G9); the CLI image does.
      transports: { http: import("@graphql-mesh/transport-http") },
    });
    runtimes.push(runtime);
    return async (body: Record<string, unknown>, token?: string) => {
      const response = await runtime.fetch("http://gateway.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
    };
  } finally {
    process.env = saved;
  }
}

describe("gateway/gateway.config.ts in production", () => {
  let gateway: Awaited<ReturnType<typeof loadGateway>>;
  beforeAll(async () => {
    gateway = await loadGateway({ GATEHOUSE_MODE: "production" });
  });

  it("passes a good token through to Gatehouse", async () => {
    const { status, body } = await gateway({ query: COUNT }, await managementToken(gatehouse, "organizations:read"));
    expect(status).toBe(200);
    expect(body).toEqual({ data: { organizations: { totalCount: 0 } } });
  });

  it("refuses a bad token with HTTP 401 and UNAUTHENTICATED", async () => {
    for (const token of ["forged.token.value", `${await managementToken(gatehouse, "organizations:read")}x`]) {
      const { status, body } = await gateway({ query: COUNT }, token);
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(body.data).toBeUndefined();
    }
  });

  it("answers no introspection and suggests no field names", async () => {
    const introspection = await gateway({ query: "{ __schema { types { name } } }" });
    expect(introspection.body.data ?? null).toBeNull();
    expect(introspection.body.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(introspection.body)).not.toContain("Organization");

    const typo = await gateway({ query: "{ organizationz { totalCount } }" });
    expect(typo.body.errors?.[0]?.message).toBeDefined();
    expect(JSON.stringify(typo.body)).not.toContain("Did you mean");
  });
});

describe("gateway/gateway.config.ts in development", () => {
  it("answers introspection (what production refuses), and still refuses a bad token", async () => {
    const gateway = await loadGateway({ GATEHOUSE_MODE: "development" });
    const introspection = await gateway({ query: "{ __schema { queryType { name } } }" });
    expect(introspection.body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
    expect((await gateway({ query: COUNT }, "forged.token.value")).status).toBe(401);
  });
});

describe("gateway/gateway.config.ts with trusted documents", () => {
  it("runs only the trusted documents, sent by their hash", async () => {
    const hash = createHash("sha256").update(COUNT).digest("hex");
    const file = join(folder, "persisted-documents.json");
    await writeFile(file, JSON.stringify({ [hash]: COUNT }));
    const gateway = await loadGateway({ GATEHOUSE_MODE: "production", GATEWAY_TRUSTED_DOCUMENTS: file });
    const token = await managementToken(gatehouse, "organizations:read");

    const trusted = await gateway({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, token);
    expect(trusted.body).toEqual({ data: { organizations: { totalCount: 0 } } });

    const arbitrary = await gateway({ query: COUNT }, token);
    expect(arbitrary.body.data ?? null).toBeNull();
    expect(arbitrary.body.errors?.length).toBeGreaterThan(0);
    const unknown = await gateway({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, token);
    expect(unknown.body.data ?? null).toBeNull();
  });
});
