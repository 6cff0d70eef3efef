// Machine-to-machine applications and their client secrets. Secrets are random, shown once, and
// stored only as a SHA-256 hash: they carry 256 bits of entropy, so a slow hash adds nothing.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../db/index.js";
import type { Application } from "../generated/prisma/client.js";

/** Prefix that makes leaked secrets recognizable by secret scanners. */
const SECRET_PREFIX = "ghs_";

export function generateClientSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function hashClientSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function secretMatches(secret: string, hash: string): boolean {
  const given = Buffer.from(hashClientSecret(secret), "hex");
  const stored = Buffer.from(hash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/**
 * The application whose id and secret these are, or null. Unknown ids cost the same hash work as
 * known ones, so timing does not reveal which ids exist.
 */
export async function authenticateApplication(
  prisma: PrismaClient,
  clientId: string,
  clientSecret: string,
): Promise<Application | null> {
  const application = await prisma.application.findUnique({ where: { id: clientId } });
  const matches = secretMatches(clientSecret, application?.secretHash ?? hashClientSecret(""));
  return application && matches ? application : null;
}
