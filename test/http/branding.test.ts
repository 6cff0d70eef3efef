// Organization branding images: uploaded by whoever may manage the organization, typed by their
// bytes, served publicly at content-addressed URLs, and findable by organization id.
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, admin, caller, ok } from "../support/graphql.js";
import { managementToken } from "../support/oauth.js";
import { organizationOfMembers } from "../support/organization-plane.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let gql: Caller;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer({ env: { GATEHOUSE_BRANDING_MAX_BYTES: "4096" } });
  gql = await admin(server);
  adminToken = await managementToken(server);
});
afterAll(() => server.close());

/** A valid 1×1 PNG of one colour: different colours give different bytes. */
function png(red: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", header),
      chunk("IDAT", deflateSync(Buffer.from([0, red, 0, 0]))),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

function upload(organizationId: string, slot: string, body: Uint8Array, token: string | null = adminToken, contentType = "image/png") {
  return fetch(`${server.url}/branding/organizations/${organizationId}/${slot}`, {
    method: "PUT",
    headers: { "content-type": contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body as BodyInit,
  });
}

async function createOrganization(name: string): Promise<string> {
  return ok(await gql<{ createOrganization: { id: string } }>(`mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }`, { name }))
    .createOrganization.id;
}

async function brandingOf(id: string) {
  return ok(await gql<{ organization: { branding: Record<string, string | null> } }>(`query ($id: ID!) { organization(id: $id) { branding { logoUrl darkLogoUrl favicon darkFavicon } } }`, { id }))
    .organization.branding;
}

describe("uploading a branding image", () => {
  it("stores a PNG, points the slot at its content-addressed URL, and serves it publicly and immutably", async () => {
    const id = await createOrganization("Branded");
    const image = png(10);
    const response = await upload(id, "logo", image);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { url: string; sha256: string; mediaType: string; byteSize: number };
    expect(body).toMatchObject({ slot: "logo", mediaType: "image/png", byteSize: image.byteLength });
    expect(body.url).toBe(`${server.services.issuer()}/branding/images/${body.sha256}`);
    expect((await brandingOf(id)).logoUrl).toBe(body.url);

    const served = await fetch(body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(image);

    const revalidated = await fetch(body.url, { headers: { "if-none-match": served.headers.get("etag")! } });
    expect(revalidated.status).toBe(304);
  });

  it("gives a new upload a new URL, and deletes the image no organization uses any more", async () => {
    const id = await createOrganization("Rebranded");
    const first = (await (await upload(id, "darkLogo", png(20))).json()) as { url: string };
    const second = (await (await upload(id, "darkLogo", png(30))).json()) as { url: string };
    expect(second.url).not.toBe(first.url);
    expect((await brandingOf(id)).darkLogoUrl).toBe(second.url);
    expect((await fetch(first.url)).status).toBe(404);
    expect((await fetch(second.url)).status).toBe(200);
  });

  it("keeps an image two organizations share until neither uses it", async () => {
    const [a, b] = [await createOrganization("Twin A"), await createOrganization("Twin B")];
    const shared = (await (await upload(a, "favicon", png(40))).json()) as { url: string };
    expect(((await (await upload(b, "favicon", png(40))).json()) as { url: string }).url).toBe(shared.url);
    expect((await fetch(`${server.url}/branding/organizations/${a}/favicon`, { method: "DELETE", headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(204);
    expect((await brandingOf(a)).favicon).toBeNull();
    expect((await fetch(shared.url)).status).toBe(200);
    await fetch(`${server.url}/branding/organizations/${b}/favicon`, { method: "DELETE", headers: { authorization: `Bearer ${adminToken}` } });
    expect((await fetch(shared.url)).status).toBe(404);
  });

  it("deletes an organization's images with the organization", async () => {
    const id = await createOrganization("Short-lived");
    const { url } = (await (await upload(id, "logo", png(45))).json()) as { url: string };
    ok(await gql(`mutation ($id: ID!) { deleteOrganization(input: { id: $id }) }`, { id }));
    expect((await fetch(url)).status).toBe(404);
  });

  it("reads the type from the bytes: JPEG accepted whatever the header says, SVG and text refused", async () => {
    const id = await createOrganization("Typed");
    const jpeg = await upload(id, "favicon", JPEG, adminToken, "application/octet-stream");
    expect(jpeg.status).toBe(200);
    expect(await jpeg.json()).toMatchObject({ mediaType: "image/jpeg" });

    for (const body of [SVG, new TextEncoder().encode("GIF89a but not really")]) {
      const refused = await upload(id, "logo", body, adminToken, "image/png");
      expect(refused.status).toBe(415);
      expect(await refused.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", details: { accepted: ["image/png", "image/jpeg", "image/webp"] } });
    }
    expect((await brandingOf(id)).logoUrl).toBeNull();
  });

  it("refuses a body over its own size limit with 413, and an empty body", async () => {
    const id = await createOrganization("Heavy");
    const big = new Uint8Array(5000);
    big.set(png(50));
    const refused = await upload(id, "logo", big);
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { limitBytes: 4096 } });

    const empty = await upload(id, "logo", new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("needs a token that may manage the organization", async () => {
    const { organization, users, token } = await organizationOfMembers(server, "Guarded");
    const none = await upload(organization.id, "logo", png(60), null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.json()).toMatchObject({ code: "UNAUTHENTICATED" });

    expect((await upload(organization.id, "logo", png(60), "not-a-token")).status).toBe(401);

    const readOnly = await upload(organization.id, "logo", png(60), await managementToken(server, "organizations:read"));
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ code: "FORBIDDEN" });

    // A member without manage:organization may not; the organization's admin may, in it only.
    expect((await upload(organization.id, "logo", png(60), await token(users.grace))).status).toBe(403);
    const adaToken = await token(users.ada);
    expect((await upload(organization.id, "logo", png(60), adaToken)).status).toBe(200);
    const elsewhere = await createOrganization("Not Ada's");
    expect((await upload(elsewhere, "logo", png(60), adaToken)).status).toBe(403);
  });

  it("answers an unknown organization or slot with 404 and a code", async () => {
    const unknown = await upload("no-such-organization", "logo", png(70));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "NOT_FOUND" });
    const id = await createOrganization("Slots");
    const badSlot = await upload(id, "banner", png(70));
    expect(badSlot.status).toBe(404);
    expect(await badSlot.json()).toMatchObject({ code: "NOT_FOUND" });
  });

  it("is in the audit trail", async () => {
    const id = await createOrganization("Audited");
    await upload(id, "logo", png(80));
    const events = ok(
      await gql<{ auditEvents: { edges: { node: { action: string; data: Record<string, unknown> } }[] } }>(
        `query ($id: ID!) { auditEvents(first: 5, organizationId: $id) { edges { node { action data } } } }`,
        { id },
      ),
    ).auditEvents.edges.map((edge) => edge.node);
    expect(events[0]).toMatchObject({ action: "organization.updated", data: { fields: ["branding"] } });
  });
});

describe("the public logo of an organization, by id", () => {
  it("redirects to the image, and answers alike for an unknown organization and an empty slot", async () => {
    const id = await createOrganization("Public");
    const { url } = (await (await upload(id, "logo", png(90))).json()) as { url: string };
    const found = await fetch(`${server.url}/branding/organizations/${id}/logo`, { redirect: "manual" });
    expect(found.status).toBe(302);
    expect(found.headers.get("location")).toBe(url);
    const followed = await fetch(`${server.url}/branding/organizations/${id}/logo`);
    expect(followed.headers.get("content-type")).toBe("image/png");

    const empty = await fetch(`${server.url}/branding/organizations/${id}/darkLogo`, { redirect: "manual" });
    const unknown = await fetch(`${server.url}/branding/organizations/nope/darkLogo`, { redirect: "manual" });
    expect([empty.status, unknown.status]).toEqual([404, 404]);
    expect(await empty.json()).toEqual(await unknown.json());
  });

  it("redirects to a logo given as a URL too, without any token", async () => {
    const id = ok(
      await gql<{ createOrganization: { id: string } }>(
        `mutation { createOrganization(input: { name: "By URL", branding: { logoUrl: "https://cdn.example.test/logo.png" } }) { id } }`,
      ),
    ).createOrganization.id;
    const anonymous = caller(server);
    expect((await anonymous(`{ serverInfo { version } }`)).status).toBe(200);
    const found = await fetch(`${server.url}/branding/organizations/${id}/logo`, { redirect: "manual" });
    expect(found.headers.get("location")).toBe("https://cdn.example.test/logo.png");
  });
});
