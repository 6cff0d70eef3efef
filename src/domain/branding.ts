// Organization branding images uploaded to Gatehouse (Logto's organization branding: a logo and a
// favicon, each for light and dark themes). An image is stored once per content, addressed by the
// SHA-256 of its bytes; the organization's branding column holds its public URL, exactly as it
// would hold a URL given directly. A new upload therefore gets a new URL, and every image URL can be
// cached forever. The type is decided by the bytes, never by what the uploader claims.
import { createHash } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import { GatehouseError, assertThat } from "../errors.js";
import type { Organization } from "../generated/prisma/client.js";
import type { EventInput } from "./audit.js";
import { type DomainContext, type Transaction, change, lockRow } from "./context.js";

/** The four branding slots, by the name used in URLs, and the column each one fills. */
export const brandingSlots = {
  logo: "brandingLogoUrl",
  darkLogo: "brandingDarkLogoUrl",
  favicon: "brandingFavicon",
  darkFavicon: "brandingDarkFavicon",
} as const satisfies Record<string, keyof Organization>;

export type BrandingSlot = keyof typeof brandingSlots;

export function isBrandingSlot(name: string): name is BrandingSlot {
  return Object.hasOwn(brandingSlots, name);
}

/**
 * Raster formats a sign-in page can show safely. SVG is refused: it can carry scripts, and no
 * sanitizer is in the stack to make it safe.
 */
export const brandingMediaTypes = ["image/png", "image/jpeg", "image/webp"] as const;

/** The path images are served at, relative to Gatehouse's public URL. */
export const BRANDING_IMAGES_PATH = "/branding/images";

const IMAGE_URL = new RegExp(`${BRANDING_IMAGES_PATH}/([0-9a-f]{64})$`);

export interface StoredImage {
  sha256: string;
  mediaType: string;
  byteSize: number;
  /** The public, content-addressed URL now in the organization's branding. */
  url: string;
}

/**
 * Stores `bytes` (when its content is an accepted image) and points the organization's `slot` at
 * it, in one transaction with its audit event. The image it replaces is deleted when no
 * organization refers to it any more.
 */
export async function uploadBrandingImage(
  context: DomainContext,
  input: { organizationId: string; slot: BrandingSlot; bytes: Uint8Array; publicUrl: string },
): Promise<StoredImage> {
  const detected = await fileTypeFromBuffer(input.bytes);
  const mediaType = detected?.mime;
  assertThat(
    mediaType !== undefined && (brandingMediaTypes as readonly string[]).includes(mediaType),
    "UNSUPPORTED_MEDIA_TYPE",
    `the image must be PNG, JPEG or WebP (its content is ${mediaType ?? "not a recognized image"})`,
    { details: { accepted: brandingMediaTypes } },
  );
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const url = `${input.publicUrl}${BRANDING_IMAGES_PATH}/${sha256}`;
  const column = brandingSlots[input.slot];

  await change(
    context,
    async (tx) => {
      await requireLockedOrganization(tx, input.organizationId);
      await tx.brandingImage.upsert({
        where: { sha256 },
        create: { sha256, mediaType, bytes: new Uint8Array(input.bytes), byteSize: input.bytes.byteLength },
        update: {},
      });
      await tx.organization.update({ where: { id: input.organizationId }, data: { [column]: url } });
      await deleteUnusedBrandingImages(tx);
    },
    () => brandingEvent(input.organizationId, input.slot, "uploaded"),
  );
  return { sha256, mediaType, byteSize: input.bytes.byteLength, url };
}

/** Empties the organization's `slot` (an uploaded image or a URL). */
export async function clearBrandingImage(
  context: DomainContext,
  input: { organizationId: string; slot: BrandingSlot },
): Promise<void> {
  await change(
    context,
    async (tx) => {
      await requireLockedOrganization(tx, input.organizationId);
      await tx.organization.update({ where: { id: input.organizationId }, data: { [brandingSlots[input.slot]]: null } });
      await deleteUnusedBrandingImages(tx);
    },
    () => brandingEvent(input.organizationId, input.slot, "cleared"),
  );
}

/** An uploaded image, by the SHA-256 of its content; null when there is none. */
export async function brandingImage(
  context: Pick<DomainContext, "prisma">,
  sha256: string,
): Promise<{ mediaType: string; bytes: Uint8Array } | null> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
  return context.prisma.brandingImage.findUnique({ where: { sha256 }, select: { mediaType: true, bytes: true } });
}

/**
 * The URL in an organization's branding `slot`, for a product's sign-in page that knows only the
 * organization's id. Null alike for an unknown organization and an empty slot, so the answer tells
 * nothing about which organizations exist.
 */
export async function organizationBrandingUrl(
  context: Pick<DomainContext, "prisma">,
  organizationId: string,
  slot: BrandingSlot,
): Promise<string | null> {
  const column = brandingSlots[slot];
  const organization = await context.prisma.organization.findUnique({
    where: { id: organizationId },
    select: { [column]: true },
  });
  const url = organization?.[column];
  return typeof url === "string" ? url : null;
}

/**
 * Deletes the images no organization's branding refers to. One statement: the referenced digests
 * are collected in one pass over organizations, so it stays linear however many images there are.
 */
export async function deleteUnusedBrandingImages(tx: Transaction): Promise<void> {
  await tx.$executeRawUnsafe(
    `DELETE FROM "branding_images" AS image
     WHERE NOT EXISTS (
       SELECT 1 FROM (
         SELECT substring(url FROM '${IMAGE_URL.source}') AS sha256
         FROM "organizations",
              unnest(ARRAY["branding_logo_url", "branding_dark_logo_url", "branding_favicon", "branding_dark_favicon"]) AS url
         WHERE url LIKE '%${BRANDING_IMAGES_PATH}/%'
       ) AS used
       WHERE used.sha256 = image.sha256
     )`,
  );
}

async function requireLockedOrganization(tx: Transaction, organizationId: string): Promise<void> {
  // Serializes concurrent uploads to one organization, so the clean-up sees the latest URLs.
  if (!(await lockRow(tx, "organizations", organizationId))) {
    throw new GatehouseError("NOT_FOUND", `no organization with id ${organizationId}`, { field: "organizationId" });
  }
}

function brandingEvent(organizationId: string, slot: BrandingSlot, how: "uploaded" | "cleared"): EventInput {
  return {
    action: "organization.updated",
    targetId: organizationId,
    organizationId,
    data: { fields: ["branding"], changes: {}, branding: { slot, how } },
  };
}
