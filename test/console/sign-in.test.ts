// Production sign-in through a real OpenID Provider: a user holding a management global role gets
// into the console; one without, or one Gatehouse does not know, sees "No access"; sign-out
// ends the provider's session too. Development sign-in: with no identity provider configured, a
// development server's console signs in by itself through the development token path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { managementToken } from "../support/oauth.js";
import { startTestServer } from "../support/server.js";
import { type ConsoleWorld, linkedUser, manage, signIn, startConsoleWorld, WAIT } from "./support.js";

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
  await linkedUser(world, "grace", { console: true });
  await linkedUser(world, "linus", { console: false });
  await linkedUser(world, "olive", { console: true, scopes: ["organizations:read", "users:read"] });
}, 180_000);
afterAll(async () => {
  await world?.close();
});

describe("console sign-in at the identity provider", () => {
  it("lets a user with a management global role in, and signs out", { timeout: 180_000 }, async () => {
    const page = await signIn(world, "grace");
    await page.getByRole("heading", { name: "Organizations", level: 1, exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/console/organizations");
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    // The console forgets its tokens and ends the session at the provider (its end-session page).
    await page.waitForURL((url) => url.href.startsWith(`${world.idp.issuer}/session/end`), { timeout: WAIT });
    await page.close();
  });

  it("shows No access to a user without management permissions, and to an identity Gatehouse does not know", { timeout: 180_000 }, async () => {
    for (const account of ["linus", "stranger"]) {
      const page = await signIn(world, account);
      await page.getByRole("heading", { name: "No access", level: 1, exact: true }).waitFor();
      expect(await page.getByRole("link", { name: "Organizations", exact: true }).count()).toBe(0);
      await page.close();
    }
  });
});

describe("a narrower management role", () => {
  it("offers only what its scopes allow, and says in words which scope a refusal needed", { timeout: 180_000 }, async () => {
    await manage(world, `mutation { createOrganization(input: { name: "Umbrella" }) { id } }`);
    const page = await signIn(world, "olive");
    const sections = page.getByRole("navigation", { name: "Sections" });
    await sections.getByRole("link", { name: "Organizations", exact: true }).waitFor();
    await sections.getByRole("link", { name: "Users", exact: true }).waitFor();
    expect(await sections.getByRole("link").allTextContents()).toEqual(["Organizations", "Users"]);
    await page.getByRole("table", { name: "Organizations", exact: true }).getByRole("link", { name: "Umbrella", exact: true }).click();
    await page.getByRole("heading", { name: "Umbrella", level: 1, exact: true }).waitFor();
    await page.getByText("No members yet.", { exact: true }).waitFor();
    // Reading, not writing: no button adds members, and the profile's fields are read-only.
    expect(await page.getByRole("button", { name: "Add members", exact: true }).count()).toBe(0);
    await page.getByRole("tab", { name: "Settings", exact: true }).click();
    expect(await page.getByRole("textbox", { name: "Name", exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Delete organization", exact: true }).count()).toBe(0);

    // A page the navigation does not offer, opened by its address (in the page, keeping the session): the refusal names the missing scope.
    await page.evaluate(() => {
      history.pushState({}, "", "/console/audit-log");
      dispatchEvent(new PopStateEvent("popstate"));
    });
    await page.getByRole("heading", { name: "Audit log", level: 1, exact: true }).waitFor();
    const refusal = page.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("Your account is not allowed to do that: this needs the audit:read scope (or all).");
    await page.close();
  });
});

describe("console sign-in in development", () => {
  it("signs in by itself through the development token path, with no client secret in the page", { timeout: 180_000 }, async () => {
    const server = await startTestServer();
    const created = await server.graphql(`mutation { createOrganization(input: { name: "Hooli" }) { id } }`, { token: await managementToken(server) });
    expect(created.errors).toBeUndefined();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT);
      const minted = page.waitForResponse((response) => new URL(response.url()).pathname === "/dev/tokens" && response.request().method() === "POST");
      await page.goto(`${server.url}/console/organizations`);
      expect((await minted).status()).toBe(200);
      await page.getByRole("heading", { name: "Organizations", level: 1, exact: true }).waitFor();
      // Signed in with a management token: the page lists through GraphQL.
      await page.getByRole("table", { name: "Organizations", exact: true }).getByText("Hooli", { exact: true }).waitFor();
      await page.getByRole("button", { name: "Create organization", exact: true }).waitFor();
      const html = await page.content();
      expect(html).not.toMatch(/client_secret/i);
      await page.close();
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
