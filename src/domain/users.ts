// Users as identified by tokens: Gatehouse's own identity tokens name the user; a trusted
// issuer's token names an (issuer, subject) identity linked to a user, created on first sight
// when the issuer is configured to.
import type { TrustedIssuerConfig } from "../config/index.js";
import { constraintViolation } from "../db/errors.js";
import type { PrismaClient } from "../db/index.js";
import type { User } from "../generated/prisma/client.js";

/** The audience of Gatehouse's own identity tokens (development tokens for a user). */
export const IDENTITY_AUDIENCE = "urn:gatehouse:identity";

export interface ExternalIdentity {
  issuer: TrustedIssuerConfig;
  subject: string;
  claims: { email?: string; email_verified?: boolean; name?: string; picture?: string };
}

/**
 * The user linked to an external identity, creating both on first sight when the issuer allows.
 * Returns null for an unknown identity of an issuer that does not create users.
 */
export async function userForIdentity(prisma: PrismaClient, identity: ExternalIdentity): Promise<User | null> {
  const where = { issuer_subject: { issuer: identity.issuer.issuer, subject: identity.subject } };
  const linked = await prisma.userIdentity.findUnique({ where, include: { user: true } });
  if (linked) return linked.user;
  if (!identity.issuer.createUsers) return null;
  try {
    return await createFromIdentity(prisma, identity);
  } catch (error) {
    // A concurrent first request for the same identity created it first.
    if (constraintViolation(error)?.sqlState !== "23505") throw error;
    const existing = await prisma.userIdentity.findUnique({ where, include: { user: true } });
    if (!existing) throw error;
    return existing.user;
  }
}

async function createFromIdentity(prisma: PrismaClient, identity: ExternalIdentity): Promise<User> {
  const { claims } = identity;
  const verifiedEmail =
    typeof claims.email === "string" && (claims.email_verified === true || identity.issuer.trustEmail)
      ? claims.email
      : undefined;
  // An email another user already holds is not taken over: accounts are never linked by email.
  const emailFree = verifiedEmail && (await prisma.user.count({ where: { primaryEmail: verifiedEmail } })) === 0;
  return prisma.user.create({
    data: {
      primaryEmail: emailFree ? verifiedEmail : null,
      name: typeof claims.name === "string" ? claims.name.slice(0, 128) : null,
      avatarUrl: typeof claims.picture === "string" && claims.picture.length <= 2048 ? claims.picture : null,
      identities: { create: { issuer: identity.issuer.issuer, subject: identity.subject, claims: identity.claims } },
    },
  });
}
