// The viewer plane: any signed-in user sees themself and the organizations they belong to, with
// their roles there — to pick an organization before exchanging a token for it.
import { principalUserId } from "../../auth/principal.js";
import { guardedByParent, isAuthenticated } from "../auth/rules.js";
import { builder } from "../builder.js";
import { Branding } from "./organization.js";

const ViewerRole = builder.objectRef<{ id: string; name: string; description: string | null }>("ViewerRole").implement({
  description: "One of the viewer's roles in an organization.",
  auth: guardedByParent,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
  }),
});

const organizationSelection = {
  organization: {
    select: {
      name: true,
      description: true,
      isMfaRequired: true,
      brandingLogoUrl: true,
      brandingDarkLogoUrl: true,
      brandingFavicon: true,
      brandingDarkFavicon: true,
    },
  },
} as const;

export const ViewerOrganization = builder.prismaObject("OrganizationMembership", {
  variant: "ViewerOrganization",
  description: "An organization the viewer belongs to, as the viewer sees it.",
  auth: guardedByParent,
  fields: (t) => ({
    id: t.exposeID("organizationId", { description: "The organization id: the `organization_id` to exchange a token for." }),
    name: t.string({ select: organizationSelection, resolve: (member) => member.organization.name }),
    description: t.string({ nullable: true, select: organizationSelection, resolve: (member) => member.organization.description }),
    isMfaRequired: t.boolean({
      description: "Tokens for this organization need MFA enrolled.",
      select: organizationSelection,
      resolve: (member) => member.organization.isMfaRequired,
    }),
    branding: t.field({
      type: Branding,
      select: organizationSelection,
      resolve: ({ organization }) => ({
        logoUrl: organization.brandingLogoUrl,
        darkLogoUrl: organization.brandingDarkLogoUrl,
        favicon: organization.brandingFavicon,
        darkFavicon: organization.brandingDarkFavicon,
      }),
    }),
    roles: t.field({
      type: [ViewerRole],
      description: "The viewer's roles there, by name.",
      select: { roles: { select: { role: { select: { id: true, name: true, description: true } } }, orderBy: { role: { name: "asc" } } } },
      resolve: (member) => member.roles.map((link) => link.role),
    }),
    permissions: t.stringList({
      description: "The organization permissions an organization token for it would carry now.",
      select: {
        roles: {
          select: { role: { select: { scopes: { select: { scope: { select: { name: true } } } } } } },
          orderBy: { role: { name: "asc" } },
        },
      },
      resolve: (member) => [...new Set(member.roles.flatMap(({ role }) => role.scopes.map(({ scope }) => scope.name)))].sort(),
    }),
    joinedAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const Viewer = builder.objectRef<{ userId: string | null }>("Viewer").implement({
  description: "The caller. For tokens of applications, `user` is null and `organizations` empty.",
  auth: guardedByParent,
  fields: (t) => ({
    user: t.prismaField({
      type: "User",
      nullable: true,
      resolve: (query, viewer, _args, context) =>
        viewer.userId ? context.prisma.user.findUnique({ ...query, where: { id: viewer.userId } }) : null,
    }),
    organizations: t.prismaConnection({
      type: ViewerOrganization,
      cursor: "organizationId_userId",
      description: "The organizations the viewer belongs to, earliest joined first.",
      resolve: (query, viewer, _args, context) =>
        viewer.userId
          ? context.prisma.organizationMembership.findMany({
              ...query,
              where: { userId: viewer.userId },
              orderBy: [{ createdAt: "asc" }, { organizationId: "asc" }],
            })
          : [],
      totalCount: (viewer, _args, context) =>
        viewer.userId ? context.prisma.organizationMembership.count({ where: { userId: viewer.userId } }) : 0,
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: Viewer,
    nullable: true,
    description: "The signed-in caller: any valid identity or organization token.",
    auth: isAuthenticated,
    resolve: (_parent, _args, context) => ({ userId: principalUserId(context.principal) ?? null }),
  }),
);
