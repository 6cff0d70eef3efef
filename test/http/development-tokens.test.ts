// The development token path (`POST /dev/tokens`): in development, local callers holding the
// process's secret mint management tokens, and organization tokens as a chosen user by the token
// endpoint's own rules; nobody else reaches it, and production does not have it at all.
import { mkdtempSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { DEVELOPMENT_SECRET_HEADER, createDevelopmentAccess, developmentOnly } from "../../src/http/development/access.js";
import { useGatehouse } from "../support/gatehouse.js";
import { caller, ok, refused } from "../support/graphql.js";
import { startTestServer } from "../support/server.js";

const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-dev-tokens-"));
const gatehouse = useGatehouse({ env: { GATEHOUSE_DATA_DIR: dataDir } });

/** POST /dev/tokens as a local tool does: the secret, a loopback Host (fetch sends the URL's). */
async function mint(body: unknown, headers: Record<string, string> = {}) {
  const { server } = gatehouse;
  const response = await fetch(`${server.url}/dev/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", [DEVELOPMENT_SECRET_HEADER]: server.development!.secret, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string | number> };
}

/** The same with a chosen Host header, which fetch does not let a caller set: as a rebinding page's browser sends it. */
function mintWithHost(host: string): Promise<number> {
  const url = new URL(`${gatehouse.server.url}/dev/tokens`);
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: "POST",
        headers: { host, "content-type": "application/json", [DEVELOPMENT_SECRET_HEADER]: gatehouse.server.development!.secret },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode!));
      },
    );
    sent.on("error", reject);
    sent.end(JSON.stringify({ kind: "management" }));
  });
}

describe("the development server file", () => {
  it("holds the server's URL and secret, readable by its owner only", async () => {
    const file = join(dataDir, "dev-server.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({
      url: gatehouse.server.url,
      secret: gatehouse.server.development!.secret,
    });
  });
});

describe("POST /dev/tokens in development", () => {
  it("mints a management token with the scopes asked for, answered like /oauth/token", async () => {
    const { status, body } = await mint({ kind: "management", scopes: ["organizations:read"] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "organizations:read", audience: "urn:gatehouse:management" });
    const gql = caller(gatehouse.server, String(body.access_token));
    ok(await gql(`{ organizations(first: 1) { totalCount } }`));
    refused(await gql(`mutation { createOrganization(input: { name: "No" }) { id } }`), "FORBIDDEN");
  });

  it("mints an organization token as a user, from their current roles there", async () => {
    const f = gatehouse.fixtures;
    const user = await f.user({ primaryEmail: `dev-${Date.now()}@example.test` });
    const organization = await f.organization();
    const reader = await f.organizationRole({ permissions: ["read:members"] });
    const inviter = await f.organizationRole({ permissions: ["invite:members"] });
    await f.member(organization.id, user.id, [reader.id]);
    const request = { kind: "organization", userId: user.primaryEmail!.toUpperCase(), organizationId: organization.id };

    const first = await mint(request);
    expect(first.status).toBe(200);
    expect(first.body.scope).toBe("read:members");
    expect(decodeJwt(String(first.body.access_token))).toMatchObject({ sub: user.id, organization_id: organization.id });

    await gatehouse.server.db.prisma.organizationUserRole.create({
      data: { organizationId: organization.id, userId: user.id, roleId: inviter.id },
    });
    expect((await mint(request)).body.scope).toBe("invite:members read:members");
    expect((await mint({ ...request, scopes: ["invite:members", "not:granted"] })).body.scope).toBe("invite:members");
  });

  it("refuses what the token endpoint refuses: non-members, and users without MFA where it is required", async () => {
    const f = gatehouse.fixtures;
    const user = await f.user();
    const strict = await f.organization({ isMfaRequired: true });
    await f.member(strict.id, user.id);
    const other = await f.organization();

    const outsider = await mint({ kind: "organization", userId: user.id, organizationId: other.id });
    expect(outsider).toMatchObject({ status: 400, body: { error: "access_denied" } });
    const withoutMfa = await mint({ kind: "organization", userId: user.id, organizationId: strict.id });
    expect(withoutMfa).toMatchObject({ status: 400, body: { error: "access_denied" } });
    expect(withoutMfa.body.error_description).toContain("MFA");
  });

  it("answers bad requests with OAuth-style errors", async () => {
    expect(await mint({ kind: "management", scopes: ["everything"] })).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    expect(await mint({ kind: "organization", organizationId: "o" })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await mint({ kind: "organization", userId: "nobody@example.test", organizationId: "o" })).toMatchObject({
      status: 400,
      body: { error: "invalid_request" },
    });
    expect(await mint({ kind: "root" })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("refuses a caller without the secret, with a wrong one, or naming a foreign Host or Origin (DNS rebinding)", async () => {
    const { server } = gatehouse;
    const bare = await fetch(`${server.url}/dev/tokens`, { method: "POST", body: JSON.stringify({ kind: "management" }) });
    expect(bare.status).toBe(403);
    expect(await bare.json()).toMatchObject({ error: "access_denied" });
    expect((await mint({ kind: "management" }, { [DEVELOPMENT_SECRET_HEADER]: "guess" })).status).toBe(403);
    expect(await mintWithHost("attacker.example")).toBe(403);
    expect(await mintWithHost("127.0.0.1.attacker.example:80")).toBe(403);
    expect(await mintWithHost(`localhost:${gatehouse.server.port}`)).toBe(200);
    expect((await mint({ kind: "management" }, { origin: "http://attacker.example" })).status).toBe(403);
    expect((await mint({ kind: "management" }, { origin: new URL(server.url).origin })).status).toBe(200);
  });

  it("does not exist for a connection from another machine", async () => {
    const access = createDevelopmentAccess();
    const app = new Hono().use(developmentOnly(access)).post("/dev/tokens", (c) => c.text("minted"));
    const from = (remoteAddress: string) =>
      app.request(
        "/dev/tokens",
        { method: "POST", headers: { host: "localhost:4000", [DEVELOPMENT_SECRET_HEADER]: access.secret } },
        { incoming: { socket: { remoteAddress } } },
      );
    expect((await from("192.0.2.7")).status).toBe(404);
    expect((await from("::ffff:10.0.0.1")).status).toBe(404);
    expect((await from("127.0.0.1")).status).toBe(200);
    expect((await from("::ffff:127.0.0.1")).status).toBe(200);
    expect((await from("::1")).status).toBe(200);
  });
});

describe("the development token path's life cycle", () => {
  it("is gone in production: no route, no server file", async () => {
    const folder = mkdtempSync(join(tmpdir(), "gatehouse-prod-"));
    const server = await startTestServer({
      env: { GATEHOUSE_MODE: "production", GATEHOUSE_ISSUER: "https://id.example.test", GATEHOUSE_SECRET: "p".repeat(40), GATEHOUSE_DATA_DIR: folder },
    });
    try {
      expect(server.development).toBeUndefined();
      const response = await fetch(`${server.url}/dev/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", [DEVELOPMENT_SECRET_HEADER]: "anything" },
        body: JSON.stringify({ kind: "management" }),
      });
      expect(response.status).toBe(404);
      await expect(stat(join(folder, "dev-server.json"))).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await server.close();
    }
  });

  it("deletes the server file when the server stops", async () => {
    const folder = mkdtempSync(join(tmpdir(), "gatehouse-dev-stop-"));
    const server = await startTestServer({ env: { GATEHOUSE_DATA_DIR: folder } });
    await stat(join(folder, "dev-server.json"));
    await server.close();
    await expect(stat(join(folder, "dev-server.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
