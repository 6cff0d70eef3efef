// The console's browser tests share one life cycle: an OpenID Provider (the console's production
// sign-in), Gatehouse trusting it with the console configured, accounts linked to Gatehouse users
// through the public management API, and Chromium. Locators are scoped to one dialog by its
// accessible name, and every wait is for a condition, never for time.
import type { Browser, Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { launchChromium } from "../support/browser.js";
import { type IdentityProvider, startIdentityProvider } from "../support/identity-provider.js";
import { managementToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

export const CONSOLE_CLIENT_ID = "gatehouse-console";
/** Long enough for a loaded machine (2 cores shared by many test runs). */
export const WAIT = 60_000;

export interface ConsoleWorld {
  server: TestServer;
  idp: IdentityProvider;
  browser: Browser;
  /** A management token for the test's own checks (never for what the UI must do). */
  adminToken: string;
  close(): Promise<void>;
}

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  let server: TestServer | undefined;
  const idp = await startIdentityProvider({
    clients: async (issuer) => {
      server = await startTestServer({
        env: {
          GATEHOUSE_TRUSTED_ISSUERS: JSON.stringify([{ issuer, audience: "https://gatehouse.example.test", algorithms: ["RS256"], createUsers: false }]),
          GATEHOUSE_CONSOLE_ISSUER: issuer,
          GATEHOUSE_CONSOLE_CLIENT_ID: CONSOLE_CLIENT_ID,
          GATEHOUSE_CONSOLE_SCOPE: "openid",
        },
      });
      return [
        {
          client_id: CONSOLE_CLIENT_ID,
          token_endpoint_auth_method: "none",
          grant_types: ["authorization_code"],
          response_types: ["code"],
          redirect_uris: [`${server.url}/console/callback`],
        },
      ];
    },
  });
  const gatehouse = server!;
  const adminToken = await managementToken(gatehouse);
  const browser = await launchChromium();
  return {
    server: gatehouse,
    idp,
    browser,
    adminToken,
    async close() {
      await browser.close();
      await gatehouse.close();
      await idp.close();
    },
  };
}

/** Calls the management API; fails the test on any GraphQL error. */
export async function manage<Data>(world: ConsoleWorld, query: string, variables: Record<string, unknown> = {}): Promise<Data> {
  const response = await world.server.graphql<Data>(query, { variables, token: world.adminToken });
  if (response.errors?.length) throw new Error(JSON.stringify(response.errors));
  return response.data!;
}

/**
 * A Gatehouse user linked to the identity provider's account `accountId`; with `console: true`
 * it also holds a USER global role granting the management scopes `scopes` (default: `all`).
 */
export async function linkedUser(world: ConsoleWorld, accountId: string, options: { console: boolean; scopes?: string[] }): Promise<string> {
  const { createUser } = await manage<{ createUser: { id: string } }>(world, `mutation($name: String!) { createUser(input: { name: $name }) { id } }`, { name: accountId });
  await manage(world, `mutation($userId: ID!, $issuer: String!, $subject: String!) { linkUserIdentity(input: { userId: $userId, issuer: $issuer, subject: $subject }) { id } }`, {
    userId: createUser.id,
    issuer: world.idp.issuer,
    subject: accountId,
  });
  if (options.console) {
    const { apiResources } = await manage<{ apiResources: { edges: { node: { isBuiltIn: boolean; scopes: { edges: { node: { id: string; name: string } }[] } } }[] } }>(
      world,
      `{ apiResources(first: 10) { edges { node { isBuiltIn scopes(first: 20) { edges { node { id name } } } } } } }`,
    );
    const management = apiResources.edges.find(({ node }) => node.isBuiltIn)!.node.scopes.edges;
    const scopes = (options.scopes ?? ["all"]).map((name) => management.find(({ node }) => node.name === name)!.node.id);
    const { createGlobalRole } = await manage<{ createGlobalRole: { id: string } }>(
      world,
      `mutation($name: String!, $scopes: [ID!]) { createGlobalRole(input: { name: $name, type: USER, resourceScopeIds: $scopes }) { id } }`,
      { name: `console-admin-${accountId}`, scopes },
    );
    await manage(world, `mutation($userId: ID!, $roleIds: [ID!]) { assignUserGlobalRoles(input: { userId: $userId, roleIds: $roleIds }) { id } }`, {
      userId: createUser.id,
      roleIds: [createGlobalRole.id],
    });
  }
  return createUser.id;
}

/** Opens the console and signs in at the identity provider's login page as `accountId`. */
export async function signIn(world: ConsoleWorld, accountId: string): Promise<Page> {
  const page = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(WAIT);
  await page.goto(`${world.server.url}/console/organizations`);
  await page.locator('input[name="login"]').fill(accountId);
  await page.locator('input[name="password"]').fill("any password");
  await page.locator('button[type="submit"]').click();
  // The provider may ask for consent once; the console shows a first-level heading when it is in.
  const consent = page.getByRole("button", { name: "Continue" });
  const inConsole = page.locator("h1");
  await expect.poll(async () => (await consent.isVisible()) || (await inConsole.isVisible()), { timeout: WAIT }).toBe(true);
  if (await consent.isVisible()) await consent.click();
  await inConsole.first().waitFor({ timeout: WAIT });
  return page;
}

/** The open dialog with this accessible name (Mantine names it after its title). */
export function dialog(page: Page, name: string): Locator {
  return page.getByRole("dialog", { name, exact: true });
}

/** Waits for the dialog to be gone, so the next one opened is the only dialog. */
export async function closed(target: Locator): Promise<void> {
  await target.waitFor({ state: "detached", timeout: WAIT });
}

/** Chooses options in a multi-select of the dialog, then leaves it (Tab closes its dropdown). */
export async function choose(scope: Locator, label: string, options: string[]): Promise<void> {
  const input = scope.getByRole("combobox", { name: label, exact: true });
  const list = scope.getByRole("listbox", { name: label, exact: true });
  await input.click();
  for (const option of options) {
    await list.getByRole("option", { name: option, exact: true }).click();
  }
  await input.press("Tab");
  await expect.poll(() => list.getByRole("option").count(), { timeout: WAIT }).toBe(0);
}

/** The text of the table row that holds `cell`, once it appears. */
export function row(page: Page | Locator, table: string, cell: string): Locator {
  return page.getByRole("table", { name: table, exact: true }).getByRole("row").filter({ has: page.getByText(cell, { exact: true }) });
}
