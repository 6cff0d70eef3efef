// Production sign-in through a real OpenID Provider: a user holding a management global role gets
// into the console; one without, or one Gatehouse does not know, sees "No access"; sign-out
// ends the provider's session too. Development sign-in: with no identity provider configured, a
// development server's console signs in by itself through the development token path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { managementToken } from "../support/oauth.js";
import { startTestServer } from "../support/server.js";
import { type ConsoleWorld, linkedUser, signIn, startConsoleWorld, WAIT } from "./support.js";

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
  await linkedUser(world, "grace", { console: true });
  await linkedUser(world, "linus", { console: false });
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
