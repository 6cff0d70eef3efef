// Organization invitations: an email address invited to join an organization with roles.
//   - one PENDING invitation per (organization, invitee), emails compared case-insensitively
//     (citext, like users' emails); someone who is already a member is not invited;
//   - PENDING moves to ACCEPTED, REVOKED or EXPIRED, which are final. Expiry is computed on read
//     (a PENDING invitation past `expiresAt` reads as EXPIRED) and written only when a new
//     invitation for the same invitee takes its place;
//   - the roles are USER roles; an organization-plane caller invites with, revokes and deletes
//     only invitations whose roles it could give;
//   - accepting needs the invitation's one-time token (tokens/invitation.ts) and the invitee
//     signed in: membership and roles are added in one transaction.
import { z } from "zod";
import type { Prisma, PrismaClient } from "../db/index.js";
import { GatehouseError, assertThat } from "../errors.js";
import type { InvitationStatus, OrganizationInvitation } from "../generated/prisma/client.js";
import { guarded } from "./constraints.js";
import { type DomainContext, type Transaction, change, lockRow } from "./context.js";
import { email, parseInput } from "./input.js";
import { resolveRoles, roleRefs, userMembers } from "./members.js";
import { type OrganizationCaller, assertMayHandleRoles } from "./organization-plane.js";
import { requireOrganization } from "./organizations.js";
import type { InvitationTokens } from "./tokens/invitation.js";

export const DEFAULT_INVITATION_DAYS = 7;
export const MAX_INVITATION_DAYS = 30;
const DAY_MS = 86_400_000;

const createInput = z.object({
  invitee: email,
  ...roleRefs,
  expiresInDays: z
    .number()
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(MAX_INVITATION_DAYS, `must be at most ${MAX_INVITATION_DAYS}`)
    .nullish()
    .transform((days) => days ?? DEFAULT_INVITATION_DAYS),
});

const acceptInput = z.object({
  invitationToken: z.string().trim().min(1, "must not be empty").max(4096, "must be at most 4096 characters"),
});

type InvitationWithRoles = OrganizationInvitation & { roles: { roleId: string }[] };

/** The status readers see: a PENDING invitation past its expiry is EXPIRED. */
export function effectiveStatus(invitation: { status: InvitationStatus; expiresAt: Date }, now = new Date()): InvitationStatus {
  return invitation.status === "PENDING" && invitation.expiresAt <= now ? "EXPIRED" : invitation.status;
}

/** A filter on invitations whose effective status is `status` (all when absent). */
export function statusWhere(status: InvitationStatus | null | undefined, now = new Date()): Prisma.OrganizationInvitationWhereInput {
  if (status === "PENDING") return { status, expiresAt: { gt: now } };
  if (status === "EXPIRED") return { OR: [{ status }, { status: "PENDING", expiresAt: { lte: now } }] };
  return status ? { status } : {};
}

/**
 * Invites `invitee` to the organization with the roles named, and returns the invitation with its
 * one-time token. `inviterId` is the inviting user, when a user invites.
 */
export async function createInvitation(
  context: DomainContext,
  tokens: InvitationTokens,
  organizationId: string,
  input: unknown,
  by: { inviterId?: string | undefined; caller?: OrganizationCaller | undefined } = {},
) {
  const { invitee, expiresInDays, ...refs } = parseInput(createInput, input);
  const messages = { unique: pendingConflict(invitee), missing: "the organization, a role or the inviting user was deleted meanwhile" };
  return guarded(messages, () =>
    change(
      context,
      async (tx) => {
        await requireOrganization(tx, organizationId);
        const roleIds = (await resolveRoles(tx, userMembers, refs)).map((role) => role.id);
        if (by.caller) await assertMayHandleRoles(tx, by.caller, roleIds);
        await makeRoomFor(tx, organizationId, invitee);
        const createdAt = new Date();
        const invitation = await tx.organizationInvitation.create({
          data: {
            organizationId,
            invitee,
            inviterId: by.inviterId ?? null,
            createdAt,
            expiresAt: new Date(createdAt.getTime() + expiresInDays * DAY_MS),
            roles: { create: roleIds.map((roleId) => ({ roleId })) },
          },
        });
        // Signed inside the transaction: an invitation nobody received a token for is not kept.
        return { invitation, invitationToken: await tokens.sign(invitation), roleIds };
      },
      ({ invitation, roleIds }) => ({
        action: "organization_invitation.created",
        targetId: invitation.id,
        organizationId,
        data: { invitee, roleIds, expiresAt: invitation.expiresAt.toISOString() },
      }),
    ),
  ).then(({ invitation, invitationToken }) => ({ invitation, invitationToken }));
}

/** Revokes a pending invitation: its token stops working. */
export async function revokeInvitation(
  context: DomainContext,
  organizationId: string,
  invitationId: string,
  caller?: OrganizationCaller,
): Promise<OrganizationInvitation> {
  return change(
    context,
    async (tx) => {
      const invitation = await requireHandledInvitation(tx, invitationId, organizationId, caller);
      assertPending(invitation, "revoked");
      return tx.organizationInvitation.update({ where: { id: invitationId }, data: { status: "REVOKED" } });
    },
    (invitation) => ({
      action: "organization_invitation.revoked",
      targetId: invitationId,
      organizationId,
      data: { invitee: invitation.invitee },
    }),
  );
}

/** Deletes an invitation, whatever its status. Returns its id. */
export async function deleteInvitation(
  context: DomainContext,
  organizationId: string,
  invitationId: string,
  caller?: OrganizationCaller,
): Promise<string> {
  return change(
    context,
    async (tx) => {
      const invitation = await requireHandledInvitation(tx, invitationId, organizationId, caller);
      await tx.organizationInvitation.delete({ where: { id: invitationId } });
      return invitation;
    },
    (invitation) => ({
      action: "organization_invitation.deleted",
      targetId: invitationId,
      organizationId,
      data: { invitee: invitation.invitee },
    }),
  ).then((invitation) => invitation.id);
}

/**
 * Accepts the invitation an invitation token names, for the signed-in user `userId`, who must be
 * its invitee: adds the membership (kept when it exists) and the invitation's roles.
 */
export async function acceptInvitation(
  context: DomainContext,
  tokens: InvitationTokens,
  input: unknown,
  userId: string | undefined,
): Promise<{ organizationId: string; userId: string }> {
  const { invitationToken } = parseInput(acceptInput, input);
  const invitationId = await tokens.verify(invitationToken);
  assertThat(userId, "FORBIDDEN", "an invitation is accepted by its invitee: use a token of the signed-in user, not of an application");
  return change(
    context,
    async (tx) => {
      const invitation = await requireInvitation(tx, invitationId);
      await assertIsInvitee(tx, invitation, userId);
      assertPending(invitation, "accepted");
      const { organizationId } = invitation;
      await userMembers.join(tx, organizationId, [userId]);
      await userMembers.grant(tx, organizationId, [userId], roleIdsOf(invitation));
      await tx.organizationInvitation.update({ where: { id: invitationId }, data: { status: "ACCEPTED", acceptedUserId: userId } });
      return { organizationId, userId, roleIds: roleIdsOf(invitation) };
    },
    ({ organizationId, roleIds }) => ({
      action: "organization_invitation.accepted",
      targetId: invitationId,
      organizationId,
      data: { userId, roleIds },
    }),
  ).then(({ organizationId }) => ({ organizationId, userId }));
}

/**
 * The longest lifetime among invitations that can still be accepted: a retired signing key must
 * keep verifying their tokens that long (docs/tokens.md).
 */
export async function longestOpenInvitationSeconds(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<{ seconds: number | null }[]>`
    SELECT max(extract(epoch FROM expires_at - created_at))::float8 AS seconds
    FROM organization_invitations WHERE status = 'PENDING' AND expires_at > now()`;
  return Math.ceil(row?.seconds ?? 0);
}

/** The invitation, locked for the rest of the transaction; NOT_FOUND when it is not in `organizationId` (if given). */
async function requireInvitation(tx: Transaction, id: string, organizationId?: string): Promise<InvitationWithRoles> {
  await lockRow(tx, "organization_invitations", id);
  const invitation = await tx.organizationInvitation.findUnique({ where: { id }, include: { roles: { select: { roleId: true } } } });
  if (!invitation || (organizationId !== undefined && invitation.organizationId !== organizationId)) {
    const [where, field] = organizationId ? [" in the organization", "input.invitationId"] : ["", "input.invitationToken"];
    throw new GatehouseError("NOT_FOUND", `no invitation with id ${id}${where}`, { field });
  }
  return invitation;
}

/** The organization's invitation, locked, when an organization-plane caller could give all its roles. */
async function requireHandledInvitation(tx: Transaction, id: string, organizationId: string, caller: OrganizationCaller | undefined) {
  const invitation = await requireInvitation(tx, id, organizationId);
  if (caller) await assertMayHandleRoles(tx, caller, roleIdsOf(invitation));
  return invitation;
}

const roleIdsOf = (invitation: InvitationWithRoles) => invitation.roles.map((link) => link.roleId);

function assertPending(invitation: OrganizationInvitation, verb: "accepted" | "revoked"): void {
  const status = effectiveStatus(invitation);
  assertThat(status === "PENDING", "CONFLICT", `the invitation is ${status}, not pending: it cannot be ${verb} anymore`, {
    details: { status },
  });
}

async function assertIsInvitee(tx: Transaction, invitation: OrganizationInvitation, userId: string): Promise<void> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { primaryEmail: true } });
  assertThat(user?.primaryEmail, "FORBIDDEN", "your account has no primary email: only the user whose primary email was invited can accept");
  // citext: the database compares emails as it does everywhere else, case-insensitively.
  const invitee = await tx.user.count({ where: { id: userId, primaryEmail: invitation.invitee } });
  assertThat(invitee === 1, "FORBIDDEN", "the invitation was sent to another email address than your account's primary email");
}

/**
 * Refuses an invitee who is a member or has a pending invitation, after writing EXPIRED on their
 * pending invitations whose time has passed (so a new one may take their place).
 */
async function makeRoomFor(tx: Transaction, organizationId: string, invitee: string): Promise<void> {
  const members = await tx.organizationMembership.count({ where: { organizationId, user: { primaryEmail: invitee } } });
  assertThat(members === 0, "CONFLICT", `${invitee} is already a member of the organization`, { field: "input.invitee" });
  await tx.organizationInvitation.updateMany({
    where: { organizationId, invitee, status: "PENDING", expiresAt: { lte: new Date() } },
    data: { status: "EXPIRED" },
  });
  const pending = await tx.organizationInvitation.findFirst({ where: { organizationId, invitee, status: "PENDING" }, select: { id: true } });
  assertThat(!pending, "CONFLICT", pendingConflict(invitee), { field: "input.invitee", details: { invitationId: pending?.id } });
}

const pendingConflict = (invitee: string) =>
  `a pending invitation for ${invitee} already exists in the organization; revoke or delete it first`;
