// Organization branding over HTTP (docs/branding.md):
//   PUT    /branding/organizations/:id/:slot   upload a logo or favicon (raw image body, bearer token)
//   DELETE /branding/organizations/:id/:slot   empty the slot
//   GET    /branding/organizations/:id/:slot   public: redirect to the slot's current image
//   GET    /branding/images/:sha256            public: the image, cached forever
// Uploads are not GraphQL mutations: images are binary and large next to an operation, and a
// plain PUT keeps them out of GraphQL's body limit and cost accounting.
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { bearerToken } from "../auth/bearer.js";
import { type Principal, actorOf, holdsManagementScope, holdsOrganizationPermission, principalFromToken } from "../auth/principal.js";
import type { AuthServices } from "../auth/services.js";
import { TokenVerificationError } from "../auth/verify.js";
import {
  BRANDING_IMAGES_PATH,
  type BrandingSlot,
  brandingImage,
  brandingSlots,
  clearBrandingImage,
  isBrandingSlot,
  organizationBrandingUrl,
  uploadBrandingImage,
} from "../domain/branding.js";
import { MANAGER_PERMISSION } from "../domain/organization-plane.js";
import { type ErrorCode, GatehouseError } from "../errors.js";

const statusOf: Partial<Record<ErrorCode, 400 | 401 | 403 | 404 | 413 | 415>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/** The body of every refusal on these routes: the same stable codes as GraphQL's `extensions.code`. */
function refusal(c: Context, error: GatehouseError, headers: Record<string, string> = {}) {
  const body = { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  return c.json(body, statusOf[error.code] ?? 400, headers);
}

/** Organization permission or management scope needed to change an organization's branding. */
const MANAGE_ORGANIZATION = MANAGER_PERMISSION;
const ORGANIZATIONS_WRITE = "organizations:write";

export function brandingRoutes(app: Hono, services: AuthServices): void {
  const { prisma } = services.db;
  const { maxBytes } = services.config.branding;
  const slotPath = "/branding/organizations/:organizationId/:slot";

  /** The caller, when their token may change the organization's branding; throws otherwise. */
  async function authorize(c: Context, organizationId: string): Promise<Principal> {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined) throw new GatehouseError("UNAUTHENTICATED", "send the token as `Authorization: Bearer <token>`");
    let principal: Principal;
    try {
      ({ principal } = await principalFromToken(services, prisma, token));
    } catch (error) {
      if (error instanceof TokenVerificationError) throw new GatehouseError("UNAUTHENTICATED", `invalid token: ${error.reason}`);
      throw error;
    }
    const allowed =
      holdsManagementScope(principal, ORGANIZATIONS_WRITE) || holdsOrganizationPermission(principal, organizationId, MANAGE_ORGANIZATION);
    if (!allowed) {
      throw new GatehouseError(
        "FORBIDDEN",
        `changing an organization's branding needs the management scope ${ORGANIZATIONS_WRITE}, or ${MANAGE_ORGANIZATION} in that organization`,
        { details: { required: { management: [ORGANIZATIONS_WRITE], organization: [MANAGE_ORGANIZATION], bound: true } } },
      );
    }
    return principal;
  }

  function slotOf(c: Context): BrandingSlot {
    const slot = c.req.param("slot") ?? "";
    if (!isBrandingSlot(slot)) {
      throw new GatehouseError("NOT_FOUND", `no branding slot ${JSON.stringify(slot.slice(0, 32))}; slots: ${Object.keys(brandingSlots).join(", ")}`);
    }
    return slot;
  }

  const withRefusals =
    (handler: (c: Context) => Promise<Response>) =>
    async (c: Context): Promise<Response> => {
      try {
        return await handler(c);
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        const challenge = error.code === "UNAUTHENTICATED" ? { "www-authenticate": 'Bearer realm="gatehouse"' } : undefined;
        return refusal(c, error, challenge);
      }
    };

  app.put(
    slotPath,
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) =>
        refusal(
          c,
          new GatehouseError("PAYLOAD_TOO_LARGE", `the image is larger than ${maxBytes} bytes`, { details: { limitBytes: maxBytes } }),
        ),
    }),
    withRefusals(async (c) => {
      const organizationId = c.req.param("organizationId")!;
      const slot = slotOf(c);
      const principal = await authorize(c, organizationId);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength === 0) throw new GatehouseError("BAD_USER_INPUT", "the body must be the image's bytes");
      const stored = await uploadBrandingImage(
        { prisma, actor: actorOf(principal) },
        { organizationId, slot, bytes, publicUrl: services.issuer() },
      );
      return c.json({ slot, url: stored.url, sha256: stored.sha256, mediaType: stored.mediaType, byteSize: stored.byteSize });
    }),
  );

  app.delete(
    slotPath,
    withRefusals(async (c) => {
      const organizationId = c.req.param("organizationId")!;
      const slot = slotOf(c);
      const principal = await authorize(c, organizationId);
      await clearBrandingImage({ prisma, actor: actorOf(principal) }, { organizationId, slot });
      return c.body(null, 204);
    }),
  );

  // Public: a sign-in page that knows only the organization's id shows its logo through this. An
  // unknown organization and an empty slot answer alike.
  app.get(
    slotPath,
    withRefusals(async (c) => {
      const slot = slotOf(c);
      const url = await organizationBrandingUrl({ prisma }, c.req.param("organizationId")!, slot);
      if (!url) return refusal(c, new GatehouseError("NOT_FOUND", "no such image"), { "cache-control": "public, max-age=60" });
      // Short-lived: the slot may change; the image it points at never does.
      return c.redirect(url, 302);
    }),
  );

  app.get(`${BRANDING_IMAGES_PATH}/:sha256`, async (c) => {
    const sha256 = c.req.param("sha256");
    const etag = `"${sha256}"`;
    const image = await brandingImage({ prisma }, sha256);
    if (!image) return refusal(c, new GatehouseError("NOT_FOUND", "no such image"));
    const headers = {
      "content-type": image.mediaType,
      "cache-control": "public, max-age=31536000, immutable",
      etag,
      "x-content-type-options": "nosniff",
      // Shown by other origins' sign-in pages; never a document of its own.
      "cross-origin-resource-policy": "cross-origin",
      "content-security-policy": "default-src 'none'; sandbox",
    };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(image.bytes), 200, headers);
  });
}
