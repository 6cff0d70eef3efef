// Organization invitations: listed, created, revoked and deleted by holders of `invite:members` in
// the organization (or management tokens); accepted by the invitee, signed in, with the one-time
// invitation token the product put in its accept link. Gatehouse sends no email.
import { principalUserId } from "../../auth/principal.js";
import {
  DEFAULT_INVITATION_DAYS,
  MAX_INVITATION_DAYS,
  acceptInvitation,
  createInvitation,
  deleteInvitation,
  effectiveStatus,
  revokeInvitation,
  statusWhere,
} from "../../domain/invitations.js";
import type { OrganizationInvitation as InvitationRow } from "../../generated/prisma/client.js";
import { guardedByParent, inOrganization, isAuthenticated } from "../auth/rules.js";
import { builder } from "../builder.js";
import { domain, organizationCaller } from "../context.js";
import { heldRoles } from "../held-roles.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";
import { roleRefFields } from "./members.js";
import { Organization } from "./organization.js";
import { OrganizationRole } from "./template.js";
import { ViewerOrganization } from "./viewer.js";

const INVITE = "invite:members";

export const InvitationStatus = builder.enumType("InvitationStatus", {
  values: {
    PENDING: { value: "PENDING", description: "Waiting for the invitee, and not expired." },
    ACCEPTED: { value: "ACCEPTED", description: "The invitee joined." },
    REVOKED: { value: "REVOKED", description: "Withdrawn before it was accepted." },
    EXPIRED: { value: "EXPIRED", description: "Not accepted before it expired." },
  } as const,
});

export const OrganizationInvitation = builder.prismaObject("OrganizationInvitation", {
  description: "An invitation for an email address to join an organization with roles.",
  auth: inOrganization({
    permission: INVITE,
    manage: "organizations:read",
    organizationId: (invitation: { organizationId: string }) => invitation.organizationId,
  }),
  fields: (t) => ({
    id: t.exposeID("id"),
    invitee: t.exposeString("invitee", { description: "The email address invited; compared case-insensitively." }),
    status: t.field({
      type: InvitationStatus,
      description: "Computed on read: a PENDING invitation past expiresAt is EXPIRED.",
      resolve: (invitation) => effectiveStatus(invitation),
    }),
    roles: t.field({ ...heldRoles(OrganizationRole), description: "The roles the invitee gets on accepting, by name." }),
    inviter: t.relation("inviter", { nullable: true, description: "The user who invited; null when an application did." }),
    acceptedUser: t.relation("acceptedUser", { nullable: true, description: "The user who accepted, once accepted." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const canListInvitations = inOrganization({
  permission: INVITE,
  manage: "organizations:read",
  organizationId: (organization: { id: string }) => organization.id,
});

builder.prismaObjectFields(Organization, (t) => ({
  invitations: t.relatedConnection("invitations", {
    cursor: "id",
    nullable: true,
    description: "Invitations, newest first.",
    auth: canListInvitations,
    totalCount: true,
    args: {
      status: t.arg({ type: InvitationStatus, description: "Only invitations with this (computed) status." }),
      search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches the invitee's email.` }),
    },
    query: (args) => ({
      where: { AND: [statusWhere(args.status), searchWhere(args.search, ["invitee"])] },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    }),
  }),
}));

const OrganizationInvitationWithToken = builder
  .objectRef<{ invitation: InvitationRow; invitationToken: string }>("OrganizationInvitationWithToken")
  .implement({
    description: "A new invitation with its one-time token, shown this once.",
    auth: guardedByParent,
    fields: (t) => ({
      invitationToken: t.exposeString("invitationToken", {
        description:
          "Put it in the accept link you send the invitee; acceptOrganizationInvitation takes it back. It expires with the invitation.",
      }),
      // Nullable: a token that may invite but not read invitations still gets the invitation token.
      invitation: t.field({ type: OrganizationInvitation, nullable: true, resolve: (result) => result.invitation }),
    }),
  });

const CreateOrganizationInvitationInput = builder.inputType("CreateOrganizationInvitationInput", {
  fields: (t) => ({
    organizationId: t.id({ required: true }),
    invitee: t.string({ required: true, description: "The email address to invite." }),
    ...roleRefFields(t),
    expiresInDays: t.int({ description: `Days until it expires: 1 to ${MAX_INVITATION_DAYS}, ${DEFAULT_INVITATION_DAYS} unless given.` }),
  }),
});

const OrganizationInvitationIdInput = builder.inputType("OrganizationInvitationIdInput", {
  fields: (t) => ({ organizationId: t.id({ required: true }), invitationId: t.id({ required: true }) }),
});

const AcceptOrganizationInvitationInput = builder.inputType("AcceptOrganizationInvitationInput", {
  fields: (t) => ({ invitationToken: t.string({ required: true, description: "The token from the accept link." }) }),
});

/** `invite:members` in the organization the input names, or management `organizations:write`. */
const canInvite = inOrganization<unknown, { input: { organizationId: string } }>({
  permission: INVITE,
  manage: "organizations:write",
  organizationId: (_parent, args) => args.input.organizationId,
});

builder.mutationFields((t) => ({
  createOrganizationInvitation: t.field({
    type: OrganizationInvitationWithToken,
    description:
      "Invites an email address to the organization with USER roles, and returns the invitation with its one-time token. " +
      "Organization tokens may invite only with roles whose permissions they hold. Gatehouse sends no email.",
    auth: canInvite,
    args: { input: t.arg({ type: CreateOrganizationInvitationInput, required: true }) },
    resolve: (_parent, { input: { organizationId, ...input } }, context) =>
      createInvitation(domain(context), context.invitationTokens, organizationId, input, {
        inviterId: principalUserId(context.principal),
        caller: organizationCaller(context),
      }),
  }),
  revokeOrganizationInvitation: t.field({
    type: OrganizationInvitation,
    description: "Revokes a pending invitation: its token stops working.",
    auth: canInvite,
    args: { input: t.arg({ type: OrganizationInvitationIdInput, required: true }) },
    resolve: (_parent, { input }, context) =>
      revokeInvitation(domain(context), input.organizationId, input.invitationId, organizationCaller(context)),
  }),
  deleteOrganizationInvitation: t.id({
    description: "Deletes an invitation, whatever its status. Returns its id.",
    auth: canInvite,
    args: { input: t.arg({ type: OrganizationInvitationIdInput, required: true }) },
    resolve: (_parent, { input }, context) =>
      deleteInvitation(domain(context), input.organizationId, input.invitationId, organizationCaller(context)),
  }),
  acceptOrganizationInvitation: t.prismaField({
    type: ViewerOrganization,
    description:
      "Accepts an invitation with its token, as the invitee: a user signed in (identity or organization token) whose " +
      "primary email is the one invited. The user joins with the invitation's roles; returns the organization as the " +
      "viewer sees it, whose id to exchange a token for.",
    auth: isAuthenticated,
    args: { input: t.arg({ type: AcceptOrganizationInvitationInput, required: true }) },
    resolve: async (query, _parent, { input }, context) => {
      const membership = await acceptInvitation(domain(context), context.invitationTokens, input, principalUserId(context.principal));
      return context.prisma.organizationMembership.findUniqueOrThrow({ ...query, where: { organizationId_userId: membership } });
    },
  }),
}));
