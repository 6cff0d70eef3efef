// Encryption of private signing keys (and webhook signing secrets) at rest: JWE (`dir`, A256GCM) under a key derived from the
// configured secret with HKDF-SHA256. Several secrets may be configured: the first encrypts, any
// of them decrypts (the JWE header names which), so the secret can be rotated without downtime.
import { createHash, hkdfSync } from "node:crypto";
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";
import { OperatorError } from "../errors.js";

interface DerivedKey {
  id: string;
  key: Uint8Array;
}

export class KeyEncryptionError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = "KeyEncryptionError";
  }
}

/** What a KeyEncryption protects: each purpose gets its own key (HKDF `info`), named in errors. */
export interface EncryptionPurpose {
  info: string;
  /** `a signing key`, … */
  what: string;
}

export const SIGNING_KEYS: EncryptionPurpose = { info: "signing-key-encryption/v1", what: "a signing key" };
export const WEBHOOK_SECRETS: EncryptionPurpose = { info: "webhook-secret-encryption/v1", what: "a webhook signing secret" };

function derive(secret: string, info: string): DerivedKey {
  const key = new Uint8Array(hkdfSync("sha256", secret, "gatehouse", info, 32));
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 16), key };
}

export class KeyEncryption {
  private readonly keys: DerivedKey[];

  constructor(
    secrets: string[],
    private readonly purpose: EncryptionPurpose = SIGNING_KEYS,
  ) {
    if (secrets.length === 0) throw new KeyEncryptionError("at least one secret is needed");
    this.keys = secrets.map((secret) => derive(secret, purpose.info));
  }

  async encrypt(plaintext: string): Promise<string> {
    const current = this.keys[0]!;
    return new CompactEncrypt(new TextEncoder().encode(plaintext))
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: current.id })
      .encrypt(current.key);
  }

  async decrypt(jwe: string): Promise<string> {
    const { kid } = decodeProtectedHeader(jwe);
    const match = this.keys.find((candidate) => candidate.id === kid);
    if (!match) {
      throw new KeyEncryptionError(
        `${this.purpose.what} is encrypted with a secret that is not configured: GATEHOUSE_SECRET must list the secret it was created with`,
      );
    }
    const { plaintext } = await compactDecrypt(jwe, match.key);
    return new TextDecoder().decode(plaintext);
  }
}
