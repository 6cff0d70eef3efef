// Every page of the console, as a signed-in administrator sees it: it renders its heading and its
// table with no script error and no CSP violation; one form (Create organization) is driven by the
// keyboard alone; the audit log finds that creation by its filter. With CONSOLE_SCREENSHOTS set
// (`npm run console:screenshots`), each page is also saved as a PNG in that folder for the docs.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closed, type ConsoleWorld, dialog, linkedUser, manage, row, signIn, startConsoleWorld, WAIT } from "./support.js";

const screenshots = process.env.CONSOLE_SCREENSHOTS;
let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
  await linkedUser(world, "margaret", { console: true });
  // Something to show on each page, made through the API (the example test drives the UI).
  const { createOrganization } = await manage<{ createOrganization: { id: string } }>(world, `mutation { createOrganization(input: { name: "Globex", description: "A demo organization" }) { id } }`);
  const { createUser } = await manage<{ createUser: { id: string } }>(world, `mutation { createUser(input: { name: "Hank", primaryEmail: "hank@globex.example", mfaEnrolled: true }) { id } }`);
  await manage(world, `mutation { createOrganizationScope(input: { name: "read:reports" }) { id } }`);
  const { createOrganizationRole } = await manage<{ createOrganizationRole: { id: string } }>(world, `mutation { createOrganizationRole(input: { name: "analyst", type: USER }) { id } }`);
  await manage(world, `mutation($o: ID!, $u: ID!, $r: ID!) { addOrganizationMembers(input: { organizationId: $o, userIds: [$u], roleIds: [$r] }) { user { id } } }`, {
    o: createOrganization.id,
    u: createUser.id,
    r: createOrganizationRole.id,
  });
  await manage(world, `mutation { createApplication(input: { name: "Reporting job" }) { clientId } }`);
  await manage(world, `mutation { createApiResource(input: { name: "Reports API", indicator: "https://reports.example.com" }) { id } }`);
}, 180_000);
afterAll(async () => {
  await world?.close();
});

async function shot(page: Page, name: string) {
  if (!screenshots) return;
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

describe("console pages", () => {
  it("renders every page, and creates an organization by keyboard alone", { timeout: 300_000 }, async () => {
    const page = await signIn(world, "margaret");
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });

    const sections = [
      { link: "Organizations", heading: "Organizations", table: "Organizations", shows: "Globex", file: "organizations" },
      { link: "Organization template", heading: "Organization template", table: "Organization permissions", shows: "read:reports", file: "organization-template" },
      { link: "Users", heading: "Users", table: "Users", shows: "Hank", file: "users" },
      { link: "Applications", heading: "Applications", table: "Applications", shows: "Reporting job", file: "applications" },
      { link: "API resources", heading: "API resources", table: "API resources", shows: "Reports API", file: "api-resources" },
      { link: "Global roles", heading: "Global roles", table: "Global roles", shows: "console-admin-margaret", file: "global-roles" },
      { link: "Audit log", heading: "Audit log", table: "Audit events", shows: "organization.created", file: "audit-log" },
    ];
    for (const section of sections) {
      await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: section.link, exact: true }).click();
      await page.getByRole("heading", { name: section.heading, level: 1, exact: true }).waitFor();
      await page.getByRole("table", { name: section.table, exact: true }).getByText(section.shows, { exact: true }).first().waitFor();
      await shot(page, section.file);
    }

    // Detail pages: an organization, a user, an application.
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Organizations", exact: true }).click();
    await page.getByRole("table", { name: "Organizations", exact: true }).getByRole("link", { name: "Globex", exact: true }).click();
    await page.getByRole("heading", { name: "Globex", level: 1, exact: true }).waitFor();
    await row(page, "Members", "Hank").waitFor();
    await expect.poll(() => row(page, "Members", "Hank").textContent(), { timeout: WAIT }).toContain("analyst");
    await shot(page, "organization");
    await page.getByRole("tab", { name: "Settings", exact: true }).click();
    await page.getByRole("heading", { name: "Branding", exact: true }).waitFor();
    await page.getByRole("heading", { name: "Just-in-time provisioning", exact: true }).waitFor();
    await shot(page, "organization-settings");
    await page.getByRole("tab", { name: "Members", exact: true }).click();
    await page.getByRole("table", { name: "Members", exact: true }).getByRole("link", { name: "Hank", exact: true }).click();
    await page.getByRole("heading", { name: "Hank", level: 1, exact: true }).waitFor();
    await row(page, "Organizations", "Globex").waitFor();
    await shot(page, "user");
    // The user's organizations are searched by the API (User.organizations(search:)).
    const searchOrganizations = page.getByRole("textbox", { name: "Search organizations", exact: true });
    await searchOrganizations.fill("no such organization");
    await page.getByText("No organizations match.", { exact: true }).waitFor();
    await searchOrganizations.fill("GLOB");
    await row(page, "Organizations", "Globex").waitFor();

    // An application's page and an API resource's page, with their (empty) lists.
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Applications", exact: true }).click();
    await page.getByRole("table", { name: "Applications", exact: true }).getByRole("link", { name: "Reporting job", exact: true }).click();
    await page.getByRole("heading", { name: "Reporting job", level: 1, exact: true }).waitFor();
    await page.getByText("No organizations yet.", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Rotate secret", exact: true }).waitFor();
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "API resources", exact: true }).click();
    await page.getByRole("table", { name: "API resources", exact: true }).getByRole("link", { name: "Reports API", exact: true }).click();
    await page.getByRole("heading", { name: "Reports API", level: 1, exact: true }).waitFor();
    await page.getByRole("table", { name: "Permissions", exact: true }).waitFor();
    await page.getByText("No permissions yet.", { exact: true }).waitFor();

    // Keyboard only: from the Organizations page, Tab to "Create organization", fill the form, submit with Enter.
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Organizations", exact: true }).click();
    await page.getByRole("heading", { name: "Organizations", level: 1, exact: true }).waitFor();
    await page.locator("body").focus();
    const create = page.getByRole("button", { name: "Create organization", exact: true });
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses += 1) {
      await page.keyboard.press("Tab");
      reached = await create.evaluate((button) => button === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press("Enter");
    const form = dialog(page, "Create organization");
    const name = form.getByRole("textbox", { name: "Name", exact: true });
    await expect.poll(() => name.evaluate((input) => input === document.activeElement), { timeout: WAIT }).toBe(true);
    await page.keyboard.type("Initech");
    await page.keyboard.press("Tab");
    await expect.poll(() => form.getByRole("textbox", { name: "Description", exact: true }).evaluate((input) => input === document.activeElement), { timeout: WAIT }).toBe(true);
    await page.keyboard.type("Made with the keyboard");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await closed(form);
    await page.getByRole("heading", { name: "Initech", level: 1, exact: true }).waitFor();

    // The audit log, filtered by action, lists that creation.
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit log", exact: true }).click();
    await page.getByRole("textbox", { name: "Action", exact: true }).fill("organization.created");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await expect.poll(() => page.getByRole("table", { name: "Audit events", exact: true }).getByRole("row").count(), { timeout: WAIT }).toBe(3);

    expect(problems).toEqual([]);
    await page.close();
  });
});
