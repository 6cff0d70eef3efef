// Gatehouse's token-signing keys: created on first start, rotated on demand, private halves
// encrypted at rest. Retired keys stay published in the JWKS until every token they signed has
// expired. Replicas cache the keys briefly and reload at once when they meet an unknown `kid`.
import { type JsonWebKeyInput, type KeyObject, createPrivateKey } from "node:crypto";
import { type JSONWebKeySet, type JWK, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import type { PrismaClient } from "../db/index.js";
import type { KeyEncryption } from "./key-encryption.js";

export type SigningAlgorithm = "ES256" | "EdDSA";

/** Serializes key creation across replicas (transaction-scoped advisory lock). */
const KEY_LOCK = 72707370;
const CACHE_MS = 60_000;

export interface ActiveKey {
  kid: string;
  alg: SigningAlgorithm;
  /** A node:crypto key, imported once per load: tokens are signed with `crypto.sign` (src/auth/tokens.ts). */
  privateKey: KeyObject;
}

interface Snapshot {
  loadedAt: number;
  active: ActiveKey;
  jwks: JSONWebKeySet;
}

export interface SigningKeysOptions {
  algorithm: SigningAlgorithm;
  /** The longest lifetime of any token Gatehouse issues: how long a retired key stays published. */
  maxTokenLifetimeSeconds: () => Promise<number>;
}

export class SigningKeys {
  private snapshot: Promise<Snapshot> | undefined;
  private refreshing = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly encryption: KeyEncryption,
    private readonly options: SigningKeysOptions,
  ) {}

  /** Creates the first key when there is none. Safe to call from replicas starting together. */
  async ensureActiveKey(): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK})`;
      const active = await tx.signingKey.count({ where: { status: "ACTIVE" } });
      if (active === 0) await tx.signingKey.create({ data: await this.newKey() });
    });
    this.snapshot = undefined;
  }

  /**
   * Makes a new key the signing key and retires the others; deletes retired keys whose tokens
   * have all expired. Returns the new key's id.
   */
  async rotate(): Promise<string> {
    const data = await this.newKey();
    const keepSince = new Date(Date.now() - (await this.options.maxTokenLifetimeSeconds()) * 1000);
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK})`;
      await tx.signingKey.updateMany({ where: { status: "ACTIVE" }, data: { status: "RETIRED", retiredAt: new Date() } });
      await tx.signingKey.deleteMany({ where: { status: "RETIRED", retiredAt: { lt: keepSince } } });
      await tx.signingKey.create({ data });
    });
    this.snapshot = undefined;
    return data.kid;
  }

  /** The key new tokens are signed with. */
  async active(): Promise<ActiveKey> {
    return (await this.current()).active;
  }

  /** The public keys that verify Gatehouse's unexpired tokens. */
  async jwks(): Promise<JSONWebKeySet> {
    return (await this.current()).jwks;
  }

  /** Forgets the cache, e.g. when a token names a key this replica has not seen yet. */
  invalidate(): void {
    this.snapshot = undefined;
  }

  private current(): Promise<Snapshot> {
    const cached = this.snapshot;
    if (!cached) return this.reload();
    return cached.then((snapshot) => {
      const age = Date.now() - snapshot.loadedAt;
      if (age < CACHE_MS) return snapshot;
      // Past its minute the keys are reloaded in the background while the ones in hand keep
      // signing: the token requests of that moment no longer wait for a read and a decryption
      // (a once-a-minute tail of the token endpoint). A rotation is announced to every replica
      // at once (`invalidate`), and a retired key stays published, so a token signed meanwhile
      // still verifies. Past two minutes (no token asked for a minute, or the reloads failing)
      // callers wait for a reload, as before.
      if (age >= 2 * CACHE_MS) return this.reload();
      this.refresh(cached);
      return snapshot;
    });
  }

  /** Reloads in the background; the result replaces `from` unless something replaced it first. */
  private refresh(from: Promise<Snapshot>): void {
    if (this.refreshing) return;
    this.refreshing = true;
    this.load()
      .then(
        (snapshot) => {
          if (this.snapshot === from) this.snapshot = Promise.resolve(snapshot);
        },
        () => {},
      )
      .finally(() => {
        this.refreshing = false;
      });
  }

  private reload(): Promise<Snapshot> {
    const loading = this.load();
    this.snapshot = loading;
    loading.catch(() => {
      if (this.snapshot === loading) this.snapshot = undefined;
    });
    return loading;
  }

  private async load(): Promise<Snapshot> {
    const publishedSince = new Date(Date.now() - (await this.options.maxTokenLifetimeSeconds()) * 1000);
    const keys = await this.prisma.signingKey.findMany({
      where: { OR: [{ status: "ACTIVE" }, { status: "RETIRED", retiredAt: { gte: publishedSince } }] },
      orderBy: [{ createdAt: "desc" }, { kid: "desc" }],
    });
    const newest = keys.find((key) => key.status === "ACTIVE");
    if (!newest) throw new Error("no active signing key: run the server once, or `gatehouse keys rotate`");
    const privateJwk = JSON.parse(await this.encryption.decrypt(newest.encryptedPrivateKey)) as JWK;
    return {
      loadedAt: Date.now(),
      active: {
        kid: newest.kid,
        alg: newest.algorithm as SigningAlgorithm,
        privateKey: createPrivateKey({ key: privateJwk, format: "jwk" } as JsonWebKeyInput),
      },
      jwks: { keys: keys.map((key) => key.publicJwk as unknown as JWK) },
    };
  }

  private async newKey() {
    const alg = this.options.algorithm;
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, crv: alg === "EdDSA" ? "Ed25519" : undefined });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      algorithm: alg,
      publicJwk: { ...publicJwk, kid, alg, use: "sig" },
      encryptedPrivateKey: await this.encryption.encrypt(JSON.stringify(privateJwk)),
      status: "ACTIVE" as const,
    };
  }
}
