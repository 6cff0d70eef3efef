// Users. Tokens identify them: Gatehouse's own identity tokens name the user; a trusted issuer's
// token names an (issuer, subject) identity linked to a user, created on first sight when the
// issuer is configured to (and then provisioned just in time by their verified email's domain).
// The management API creates, changes and deletes them, and links identities by hand.
import { z } from "zod";
import type { TrustedIssuerConfig } from "../config/index.js";
import { constraintViolation } from "../db/errors.js";
import type { PrismaClient } from "../db/index.js";
import { GatehouseError, assertThat } from "../errors.js";
import type { User, UserIdentity } from "../generated/prisma/client.js";
import { guarded } from "./constraints.js";
import { type DomainContext, type Transaction, change } from "./context.js";
import { fieldChanges } from "./events.js";
import { email, httpUrl, jsonObject, parseInput, text } from "./input.js";
import { provisionJustInTime } from "./jit.js";
import { removalEvent, userMembers } from "./members.js";
import { definedOnly } from "./template.js";

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

/**
 * Creates the user and their identity and, when the user gets a verified email, provisions them
 * just in time (docs/jit.md), all in one transaction: a user never exists without the
 * memberships their email domain gives them.
 */
async function createFromIdentity(prisma: PrismaClient, identity: ExternalIdentity): Promise<User> {
  const { claims } = identity;
  const verifiedEmail =
    typeof claims.email === "string" && (claims.email_verified === true || identity.issuer.trustEmail)
      ? claims.email
      : undefined;
  return prisma.$transaction(async (tx) => {
    // An email another user already holds is not taken over: accounts are never linked by email.
    const primaryEmail = verifiedEmail && (await tx.user.count({ where: { primaryEmail: verifiedEmail } })) === 0 ? verifiedEmail : null;
    const user = await tx.user.create({
      data: {
        primaryEmail,
        name: typeof claims.name === "string" ? claims.name.slice(0, 128) : null,
        avatarUrl: typeof claims.picture === "string" && claims.picture.length <= 2048 ? claims.picture : null,
        identities: { create: { issuer: identity.issuer.issuer, subject: identity.subject, claims: identity.claims } },
      },
    });
    if (primaryEmail) await provisionJustInTime(tx, user.id, primaryEmail);
    return user;
  });
}

// ---------------------------------------------------------------------------------------------
// Management
// ---------------------------------------------------------------------------------------------

/** Logto's username rule: a letter or `_`, then letters, digits and `_`. */
const username = text(128).regex(/^[A-Za-z_]\w*$/, "must start with a letter or _ and hold only letters, digits and _");

/** Every field is optional, on creation too; null clears a field. */
const profileInput = z.object({
  primaryEmail: email.nullish(),
  name: text(128).nullish(),
  username: username.nullish(),
  avatarUrl: httpUrl.nullish(),
  mfaEnrolled: z.boolean().optional(),
  customData: jsonObject.optional(),
});

const identityInput = z.object({ issuer: text(2048), subject: text(255) });

type Profile = z.output<typeof profileInput>;

/** The unique fields a profile sets, with how a conflict names them. */
const uniqueFields = [
  ["primaryEmail", "email"],
  ["username", "username"],
] as const;

/**
 * Refuses, naming the field, an email or username another user holds (case-insensitively: both
 * columns are citext). The unique indexes are the backstop for races.
 */
async function assertUnclaimed(tx: Transaction, profile: Profile, userId?: string): Promise<void> {
  for (const [field, label] of uniqueFields) {
    const value = profile[field];
    if (!value) continue;
    const holder = await tx.user.findFirst({ where: { [field]: value, ...(userId ? { NOT: { id: userId } } : {}) }, select: { id: true } });
    assertThat(!holder, "CONFLICT", `another user already has the ${label} ${value}`, { field: `input.${field}` });
  }
}

const claimed = { unique: "another user already has this email or username" };

export async function createUser(context: DomainContext, input: unknown): Promise<User> {
  const profile = parseInput(profileInput, input);
  return guarded(claimed, () =>
    change(
      context,
      async (tx) => {
        await assertUnclaimed(tx, profile);
        return tx.user.create({ data: definedOnly(profile) });
      },
      (user) => ({ action: "user.created", targetId: user.id, data: { fields: Object.keys(definedOnly(profile)) } }),
    ),
  );
}

/** Changes the given fields; `customData` is replaced as a whole. */
export async function updateUser(context: DomainContext, id: string, input: unknown): Promise<User> {
  const profile = parseInput(profileInput, input);
  return guarded(claimed, () =>
    change(
      context,
      async (tx) => {
        const before = await requireUser(tx, id);
        await assertUnclaimed(tx, profile, id);
        return { before, after: await tx.user.update({ where: { id }, data: definedOnly(profile) }) };
      },
      ({ before, after }) => ({ action: "user.updated", targetId: id, data: fieldChanges(before, after, profile) }),
    ).then(({ after }) => after),
  );
}

/** Deletes the user with their identities, memberships, organization roles and global roles. */
export async function deleteUser(context: DomainContext, id: string): Promise<string> {
  return change(
    context,
    async (tx) => {
      const user = await requireUser(tx, id);
      const organizationIds = await userMembers.organizationsOf(tx, id);
      await tx.user.delete({ where: { id } });
      return { user, organizationIds };
    },
    ({ user, organizationIds }) => [
      { action: "user.deleted", targetId: user.id, data: { primaryEmail: user.primaryEmail } },
      // Each organization the user leaves sees it in its own trail (and its subscribers hear of it).
      ...organizationIds.map((organizationId) => removalEvent(userMembers, user.id, organizationId, "user.deleted")),
    ],
  ).then(({ user }) => user.id);
}

/** Links an external identity to the user; linking it again to the same user changes nothing. */
export async function linkUserIdentity(context: DomainContext, userId: string, input: unknown): Promise<UserIdentity> {
  const { issuer, subject } = parseInput(identityInput, input);
  const linkedElsewhere = `the identity ${subject} at ${issuer} is linked to another user`;
  return guarded({ unique: linkedElsewhere }, () =>
    change(
      context,
      async (tx) => {
        await requireUser(tx, userId);
        const linked = await tx.userIdentity.findUnique({ where: { issuer_subject: { issuer, subject } } });
        assertThat(!linked || linked.userId === userId, "CONFLICT", linkedElsewhere, { field: "input.subject" });
        return linked ?? tx.userIdentity.create({ data: { userId, issuer, subject } });
      },
      () => ({ action: "user.identity_linked", targetId: userId, data: { issuer, subject } }),
    ),
  );
}

/** Unlinks an identity of the user. Returns the identity's id. */
export async function unlinkUserIdentity(context: DomainContext, userId: string, input: unknown): Promise<string> {
  const { issuer, subject } = parseInput(identityInput, input);
  return change(
    context,
    async (tx) => {
      const identity = await tx.userIdentity.findFirst({ where: { userId, issuer, subject } });
      if (!identity) throw new GatehouseError("NOT_FOUND", `user ${userId} has no identity ${subject} at ${issuer}`);
      await tx.userIdentity.delete({ where: { id: identity.id } });
      return identity.id;
    },
    () => ({ action: "user.identity_unlinked", targetId: userId, data: { issuer, subject } }),
  );
}

export async function requireUser(tx: Transaction, id: string): Promise<User> {
  const user = await tx.user.findUnique({ where: { id } });
  if (!user) throw new GatehouseError("NOT_FOUND", `no user with id ${id}`, { field: "id" });
  return user;
}
