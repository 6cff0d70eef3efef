// Organizations: readable by their own members (organization permission `read:organization`) and
// by management tokens (`organizations:read`).
import { guardedByParent, inOrganization, manage } from "../auth/rules.js";
import { builder } from "../builder.js";

const canReadOrganization = inOrganization({
  permission: "read:organization",
  manage: "organizations:read",
  organizationId: (organization: { id: string }) => organization.id,
});

interface BrandingShape {
  logoUrl: string | null;
  darkLogoUrl: string | null;
  favicon: string | null;
  darkFavicon: string | null;
}

const Branding = builder.objectRef<BrandingShape>("OrganizationBranding").implement({
  description: "Logos and favicons shown for the organization, for light and dark themes.",
  auth: guardedByParent,
  fields: (t) => ({
    logoUrl: t.exposeString("logoUrl", { nullable: true }),
    darkLogoUrl: t.exposeString("darkLogoUrl", { nullable: true }),
    favicon: t.exposeString("favicon", { nullable: true }),
    darkFavicon: t.exposeString("darkFavicon", { nullable: true }),
  }),
});

export const Organization = builder.prismaObject("Organization", {
  description: "A customer of the product: a tenant, workspace or team.",
  auth: canReadOrganization,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    isMfaRequired: t.exposeBoolean("isMfaRequired", {
      description: "Members must have MFA enrolled to obtain tokens for this organization.",
    }),
    branding: t.field({
      type: Branding,
      resolve: (organization) => ({
        logoUrl: organization.brandingLogoUrl,
        darkLogoUrl: organization.brandingDarkLogoUrl,
        favicon: organization.brandingFavicon,
        darkFavicon: organization.brandingDarkFavicon,
      }),
    }),
    customData: t.field({
      type: "JSONObject",
      nullable: true,
      description: "Arbitrary data the product keeps about the organization; management tokens only.",
      auth: manage("organizations:read"),
      // The column only ever holds JSON objects (enforced on write).
      resolve: (organization) => organization.customData as Record<string, unknown>,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.asEntity(Organization, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.prisma.organization.findUnique({ where: { id } }),
});

builder.queryField("organization", (t) =>
  t.prismaField({
    type: "Organization",
    nullable: true,
    description: "One organization, by id.",
    args: { id: t.arg.id({ required: true }) },
    auth: inOrganization({
      permission: "read:organization",
      manage: "organizations:read",
      organizationId: (_parent, args: { id: string | number }) => String(args.id),
    }),
    resolve: (query, _parent, args, context) =>
      context.prisma.organization.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
);
