// Signing keys: published at the JWKS endpoint, encrypted at rest, rotated with the old key kept
// until its tokens expire, and picked up by other processes at once.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { KeyEncryption, KeyEncryptionError } from "../../src/auth/key-encryption.js";
import { createAuthServices } from "../../src/auth/services.js";
import { SigningKeys } from "../../src/auth/signing-keys.js";
import { createLogger } from "../../src/logger.js";
import { openTestDatabase } from "../support/database.js";
import { fixtures } from "../support/fixtures.js";
import { identityToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

const SECRET_A = "a".repeat(40);
const SECRET_B = "b".repeat(40);

async function jwks(server: TestServer) {
  const response = await fetch(`${server.url}/oauth/jwks`);
  expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  return (await response.json()) as { keys: Record<string, string>[] };
}

describe("signing keys", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { GATEHOUSE_SECRET: SECRET_A } });
  });
  afterAll(() => server.close());

  it("are created on first start as ES256 and published without their private part", async () => {
    const { keys } = await jwks(server);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("sign compact JWS tokens shaped as jose's SignJWT makes them, which jose verifies against the JWKS", async () => {
    const user = await fixtures(server.db.prisma).user();
    const token = await identityToken(server, user.id);
    const [header, payload, signature] = token.split(".");
    const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
    const { keys } = await jwks(server);
    expect(decode(header!)).toEqual({ alg: "ES256", kid: keys[0]!.kid, typ: "at+jwt" });
    expect(Object.keys(decode(header!))).toEqual(["alg", "kid", "typ"]);
    expect(Object.keys(decode(payload!)).slice(-6)).toEqual(["iss", "sub", "aud", "iat", "exp", "jti"]);
    // r ‖ s, 32 bytes each (RFC 7518 §3.4), not DER.
    expect(Buffer.from(signature!, "base64url")).toHaveLength(64);
    const { payload: claims, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/oauth/jwks`)), {
      issuer: server.services.issuer(),
      typ: "at+jwt",
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(claims).toMatchObject({ sub: user.id, jti: expect.any(String) });
    expect(claims.exp! - claims.iat!).toBeGreaterThan(0);
  });

  it("keep the private key encrypted at rest", async () => {
    const [row] = await server.db.prisma.signingKey.findMany();
    expect(row!.encryptedPrivateKey.split(".")).toHaveLength(5);
    expect(row!.encryptedPrivateKey).not.toContain('"d"');
    expect(decodeProtectedHeader(row!.encryptedPrivateKey)).toMatchObject({ alg: "dir", enc: "A256GCM" });
  });

  it("rotate: new tokens use the new key, tokens of the old one stay valid while it is published", async () => {
    const user = await fixtures(server.db.prisma).user();
    const before = await identityToken(server, user.id);
    const oldKid = decodeProtectedHeader(before).kid;

    const newKid = await server.services.keys.rotate();
    const after = await identityToken(server, user.id);
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect((await jwks(server)).keys.map((key) => key.kid).sort()).toEqual([newKid, oldKid].sort());

    const verify = createRemoteJWKSet(new URL(`${server.url}/oauth/jwks`));
    for (const token of [before, after]) {
      await expect(jwtVerify(token, verify, { issuer: server.services.issuer() })).resolves.toBeTruthy();
      const response = await server.graphql("{ serverInfo { version } }", { token });
      expect(response.status).toBe(200);
    }
  });

  it("drop retired keys from the JWKS once every token they signed has expired", async () => {
    const expiredKid = (await server.db.prisma.signingKey.findFirstOrThrow({ where: { status: "ACTIVE" } })).kid;
    await server.services.keys.rotate();
    await server.db.prisma.signingKey.update({ where: { kid: expiredKid }, data: { retiredAt: new Date(Date.now() - 2 * 86_400_000) } });
    server.services.keys.invalidate();
    expect((await jwks(server)).keys.map((key) => key.kid)).not.toContain(expiredKid);
    await server.services.keys.rotate();
    expect(await server.db.prisma.signingKey.count({ where: { kid: expiredKid } })).toBe(0);
  });

  /** Another process's token machinery over the same database (what the CLI builds). */
  const anotherProcess = () =>
    createAuthServices({ config: server.services.config, db: server.db, logger: createLogger("silent"), issuer: () => server.services.issuer() });

  it("rotated by another process are published at once: the database announces the change (LISTEN/NOTIFY)", async () => {
    const cli = await anotherProcess();
    const before = (await jwks(server)).keys.map((key) => key.kid);
    const kid = await cli.keys.rotate();
    expect(before).not.toContain(kid);
    // Without the announcement the server would serve its cached key set for another minute.
    await vi.waitFor(async () => expect((await jwks(server)).keys.map((key) => key.kid)).toContain(kid));
    const user = await fixtures(server.db.prisma).user();
    expect(decodeProtectedHeader(await identityToken(server, user.id)).kid).toBe(kid);
  });

  it("rotated by another process are picked up at the first token that names the new key, even unannounced", async () => {
    // Services not wired to the change feed: only the unknown-kid reload can find the new key.
    const unwired = await anotherProcess();
    await unwired.keys.active();
    const cli = await anotherProcess();
    await cli.keys.rotate();
    const user = await fixtures(server.db.prisma).user();
    const token = await cli.tokens.sign({ sub: user.id, aud: "urn:gatehouse:identity", client_id: "cli", scope: "" }, 60);
    await expect(unwired.verifier.verify(token)).resolves.toMatchObject({ source: "gatehouse", claims: { sub: user.id } });
  });
});

describe("EdDSA keys", () => {
  it("are used when GATEHOUSE_SIGNING_ALG=EdDSA", async () => {
    const server = await startTestServer({ env: { GATEHOUSE_SIGNING_ALG: "EdDSA" } });
    try {
      const { keys } = await jwks(server);
      expect(keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
      const token = await identityToken(server, (await fixtures(server.db.prisma).user()).id);
      const { protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/oauth/jwks`)));
      expect(protectedHeader.alg).toBe("EdDSA");
    } finally {
      await server.close();
    }
  });
});

describe("the key-encryption secret", () => {
  it("must be one the keys were encrypted with; several may be configured to rotate it", async () => {
    const db = await openTestDatabase();
    try {
      const keysWith = (secrets: string[]) =>
        new SigningKeys(db.prisma, new KeyEncryption(secrets), { algorithm: "ES256", maxTokenLifetimeSeconds: async () => 3600 });
      const original = keysWith([SECRET_A]);
      await original.ensureActiveKey();
      await original.active();

      await expect(keysWith([SECRET_B]).active()).rejects.toThrow(KeyEncryptionError);
      await expect(keysWith([SECRET_B]).active()).rejects.toThrow(/GATEHOUSE_SECRET must list the secret it was created with/);

      const rotating = keysWith([SECRET_B, SECRET_A]);
      await expect(rotating.active()).resolves.toMatchObject({ alg: "ES256" });
      await rotating.rotate();
      await expect(keysWith([SECRET_B]).active()).resolves.toMatchObject({ alg: "ES256" });
    } finally {
      await db.dispose();
    }
  });
});

describe("the cached keys", () => {
  it("past their minute keep signing while a background reload picks up an unannounced rotation; past two minutes callers wait", async () => {
    const db = await openTestDatabase();
    const clock = vi.spyOn(Date, "now");
    try {
      const keysOf = () => new SigningKeys(db.prisma, new KeyEncryption([SECRET_A]), { algorithm: "ES256", maxTokenLifetimeSeconds: async () => 3600 });
      const replica = keysOf();
      await replica.ensureActiveKey();
      const start = Date.now();
      clock.mockImplementation(() => start);
      const first = (await replica.active()).kid;
      // Another process rotates; this replica is not told (no change feed here).
      const rotated = await keysOf().rotate();

      // Past the minute: the key in hand answers, and the reload runs behind it.
      clock.mockImplementation(() => start + 61_000);
      const reads = vi.spyOn(db.prisma.signingKey, "findMany");
      expect((await replica.active()).kid).toBe(first);
      await vi.waitFor(async () => expect((await replica.active()).kid).toBe(rotated));
      expect(reads).toHaveBeenCalledTimes(1);

      // Past two minutes without a reload, the caller waits for one.
      const again = await keysOf().rotate();
      clock.mockImplementation(() => start + 61_000 + 121_000);
      expect((await replica.active()).kid).toBe(again);
    } finally {
      clock.mockRestore();
      await db.dispose();
    }
  });
});
