// Organizations: readable by their own members (organization permission `read:organization`) and
// by management tokens (`organizations:read`).
import { createOrganization, deleteOrganization, updateOrganization } from "../../domain/organizations.js";
import { assertThat } from "../../errors.js";
import { guardedByParent, inOrganization, manage } from "../auth/rules.js";
import { builder } from "../builder.js";
import { customDataField } from "./custom-data.js";
import { domain } from "../context.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";

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

export const Branding = builder.objectRef<BrandingShape>("OrganizationBranding").implement({
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
    customData: t.field(customDataField("organizations:read", "Arbitrary data the product keeps about the organization.")),
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

builder.queryField("organizations", (t) =>
  t.prismaConnection({
    type: "Organization",
    cursor: "id",
    description: "Every organization, oldest first.",
    auth: manage("organizations:read"),
    args: { search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name and description.` }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.organization.findMany({
        ...query,
        where: searchWhere(args.search, ["name", "description"]),
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    totalCount: (_parent, args, context) =>
      context.prisma.organization.count({ where: searchWhere(args.search, ["name", "description"]) }),
  }),
);

const BrandingInput = builder.inputType("OrganizationBrandingInput", {
  description: "Branding URLs (http or https). A field left out stays as it is; null clears it.",
  fields: (t) => ({
    logoUrl: t.string(),
    darkLogoUrl: t.string(),
    favicon: t.string(),
    darkFavicon: t.string(),
  }),
});

const CreateOrganizationInput = builder.inputType("CreateOrganizationInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "At most 128 characters; need not be unique." }),
    description: t.string({ description: "At most 256 characters." }),
    customData: t.field({ type: "JSONObject", description: "Any JSON object, at most 64 KiB." }),
    isMfaRequired: t.boolean(),
    branding: t.field({ type: BrandingInput }),
  }),
});

const UpdateOrganizationInput = builder.inputType("UpdateOrganizationInput", {
  description: "Fields left out stay as they are. customData is replaced as a whole.",
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    description: t.string({ description: "null clears it." }),
    customData: t.field({ type: "JSONObject" }),
    isMfaRequired: t.boolean(),
    branding: t.field({ type: BrandingInput }),
  }),
});

const DeleteOrganizationInput = builder.inputType("DeleteOrganizationInput", {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationFields((t) => ({
  createOrganization: t.field({
    description: "Create an organization (a tenant).",
    type: Organization,
    auth: manage("organizations:write"),
    args: { input: t.arg({ type: CreateOrganizationInput, required: true }) },
    resolve: (_parent, { input }, context) => createOrganization(domain(context), input),
  }),
  updateOrganization: t.field({
    type: Organization,
    description:
      "Organization tokens with manage:organization may change the profile and branding of their own organization; " +
      "customData and isMfaRequired need a management token.",
    auth: inOrganization({
      permission: "manage:organization",
      manage: "organizations:write",
      organizationId: (_parent, args: { input: { id: string } }) => args.input.id,
    }),
    args: { input: t.arg({ type: UpdateOrganizationInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => {
      if (context.principal?.kind === "organization") {
        const managementOnly = (["customData", "isMfaRequired"] as const).filter((field) => changes[field] !== undefined);
        assertThat(managementOnly.length === 0, "FORBIDDEN", `${managementOnly.join(" and ")} can be changed with a management token only`, {
          field: `input.${managementOnly[0]}`,
        });
      }
      return updateOrganization(domain(context), id, changes);
    },
  }),
  deleteOrganization: t.id({
    description: "Deletes the organization with its memberships, role assignments and invitations. Returns its id.",
    auth: manage("organizations:write"),
    args: { input: t.arg({ type: DeleteOrganizationInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteOrganization(domain(context), input.id),
  }),
}));
