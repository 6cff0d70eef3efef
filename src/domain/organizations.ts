// Organizations: create, change, delete. Members and applications live in members.ts.
import { z } from "zod";
import { GatehouseError } from "../errors.js";
import type { Organization } from "../generated/prisma/client.js";
import { deleteUnusedBrandingImages } from "./branding.js";
import { type DomainContext, type Transaction, change } from "./context.js";
import { fieldChanges } from "./events.js";
import { description, httpUrl, jsonObject, parseInput, text } from "./input.js";
import { definedOnly } from "./template.js";

const branding = z
  .object({
    logoUrl: httpUrl.nullish(),
    darkLogoUrl: httpUrl.nullish(),
    favicon: httpUrl.nullish(),
    darkFavicon: httpUrl.nullish(),
  })
  .strict();

const createInput = z.object({
  name: text(128),
  description: description(256),
  customData: jsonObject.optional(),
  isMfaRequired: z.boolean().optional(),
  branding: branding.optional(),
});

const updateInput = z.object({
  name: text(128).optional(),
  description: description(256),
  customData: jsonObject.optional(),
  isMfaRequired: z.boolean().optional(),
  branding: branding.optional(),
});

type BrandingInput = z.output<typeof branding>;

/** Branding as columns; keys left out are left as they are, null clears. */
function brandingColumns(input: BrandingInput | undefined) {
  if (!input) return {};
  return definedOnly({
    brandingLogoUrl: input.logoUrl,
    brandingDarkLogoUrl: input.darkLogoUrl,
    brandingFavicon: input.favicon,
    brandingDarkFavicon: input.darkFavicon,
  });
}

export async function createOrganization(context: DomainContext, input: unknown): Promise<Organization> {
  const { branding: brandingInput, ...data } = parseInput(createInput, input);
  return change(
    context,
    (tx) =>
      tx.organization.create({
        data: { ...definedOnly(data), customData: data.customData ?? {}, ...brandingColumns(brandingInput) },
      }),
    (organization) => ({
      action: "organization.created",
      targetId: organization.id,
      organizationId: organization.id,
      data: { name: organization.name },
    }),
  );
}

/** Changes the given fields. `customData` is replaced as a whole; branding URLs one by one. */
export async function updateOrganization(context: DomainContext, id: string, input: unknown): Promise<Organization> {
  const { branding: brandingInput, ...data } = parseInput(updateInput, input);
  return change(
    context,
    async (tx) => {
      const before = await requireOrganization(tx, id);
      const after = await tx.organization.update({ where: { id }, data: { ...definedOnly(data), ...brandingColumns(brandingInput) } });
      return { before, after };
    },
    ({ before, after }) => ({
      action: "organization.updated",
      targetId: id,
      organizationId: id,
      data: fieldChanges(before, after, { ...data, ...(brandingInput ? { branding: true } : {}) }),
    }),
  ).then(({ after }) => after);
}

/** Deletes the organization with its memberships, role assignments and invitations. */
export async function deleteOrganization(context: DomainContext, id: string): Promise<string> {
  return change(
    context,
    async (tx) => {
      const organization = await requireOrganization(tx, id);
      await tx.organization.delete({ where: { id } });
      await deleteUnusedBrandingImages(tx);
      return organization;
    },
    (organization) => ({
      action: "organization.deleted",
      targetId: organization.id,
      organizationId: organization.id,
      data: { name: organization.name },
    }),
  ).then((organization) => organization.id);
}

export async function requireOrganization(tx: Transaction, id: string): Promise<Organization> {
  const organization = await tx.organization.findUnique({ where: { id } });
  if (!organization) throw new GatehouseError("NOT_FOUND", `no organization with id ${id}`, { field: "organizationId" });
  return organization;
}
