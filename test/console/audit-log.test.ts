// The audit log page when audit retention deletes the event its cursor names while someone pages
// through it: the server refuses the cursor with CURSOR_EXPIRED, and the page says so in words and
// offers to read on from `details.currentCursor` (src/graphql/schema/audit.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleWorld, WAIT, linkedUser, manage, signIn, startConsoleWorld } from "./support.js";

let world: ConsoleWorld;
const organizations: string[] = [];

beforeAll(async () => {
  world = await startConsoleWorld();
  await linkedUser(world, "ada", { console: true });
  // 25 creations: a first page of 20 (newest first) and 5 older ones.
  for (let index = 1; index <= 25; index++) {
    const { createOrganization } = await manage<{ createOrganization: { id: string } }>(world, `mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }`, {
      name: `Paged ${index}`,
    });
    organizations.push(createOrganization.id);
  }
}, 180_000);
afterAll(async () => {
  await world?.close();
});

describe("the audit log page", () => {
  it("says when the events next to the page were deleted by retention, and reads on from what is kept", { timeout: 300_000 }, async () => {
    const page = await signIn(world, "ada");
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit log", exact: true }).click();
    await page.getByRole("textbox", { name: "Action", exact: true }).fill("organization.created");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    const table = page.getByRole("table", { name: "Audit events", exact: true });
    // The header row and 20 events: "Paged 25" down to "Paged 6".
    await expect.poll(() => table.getByRole("row").count(), { timeout: WAIT }).toBe(21);

    // Retention deletes the page's last event (Paged 6, the next page's cursor) before "Next page".
    const { prisma } = world.server.db;
    await prisma.auditEvent.updateMany({ where: { targetId: organizations[5]! }, data: { at: new Date(Date.now() - 400 * 86_400_000) } });
    await world.server.auditRetention.run();
    await page.getByRole("button", { name: "Next page", exact: true }).click();

    const alert = page.getByRole("alert").filter({ hasText: "deleted by audit retention" });
    await alert.waitFor();
    await alert.getByRole("button", { name: "Read on from the events still kept", exact: true }).click();
    // The five older creations, Paged 5 down to Paged 1: nothing kept was skipped.
    await expect.poll(() => table.getByRole("row").count(), { timeout: WAIT }).toBe(6);
    await expect.poll(() => alert.isVisible()).toBe(false);
    await page.close();
  });
});
