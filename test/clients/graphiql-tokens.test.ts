// GraphiQL's Tokens panel in a real browser, on a development server with the playground's data:
// a developer mints a management token in the panel and runs the README's example query; mints an
// organization token as a demo user and sees what that member sees; and a token the server
// refuses brings up a notice that offers a new one. Every wait is for a condition, never a time.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemo } from "../../src/domain/demo.js";
import { seedTemplate } from "../../src/domain/seed.js";
import { launchChromium } from "../support/browser.js";
import { editor, replaceEditorText } from "../support/graphiql.js";
import { readmeExampleQuery } from "../support/readme.js";
import { startTestServer, type TestServer } from "../support/server.js";

vi.setConfig({ testTimeout: 240_000 });

let server: TestServer;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startTestServer();
  const context = { prisma: server.db.prisma, actor: "cli" };
  await seedTemplate(context);
  await seedDemo(context);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs the operation in the editor and returns the response once the result pane shows a new one. */
async function run(page: Page, operation: string): Promise<Record<string, any>> {
  await replaceEditorText(page, editor(page, "operation.graphql"), operation);
  const response = page.waitForResponse((candidate) => candidate.url().endsWith("/graphql") && candidate.request().method() === "POST" && !candidate.request().postData()?.includes("__schema"), {
    timeout: 120_000,
  });
  await page.getByRole("button", { name: /Execute query/ }).click();
  return (await (await response).json()) as Record<string, any>;
}

async function openGraphiQL(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  browser ??= await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.addInitScript(() => {
    const violations: string[] = [];
    Object.assign(window, { cspViolations: violations });
    document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await page.goto(`${server.url}/graphql`);
  await editor(page, "operation.graphql").waitFor({ timeout: 120_000 });
  return { page, violations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations) };
}

async function openTokensPanel(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Show Tokens" }).click();
  const panel = page.locator(".gatehouse-tokens");
  await panel.waitFor({ timeout: 60_000 });
  return panel;
}

describe("GraphiQL's Tokens panel (development)", () => {
  it("mints a management token and runs the README's example query with it", async () => {
    const { page, violations } = await openGraphiQL();
    const panel = await openTokensPanel(page);
    await panel.getByRole("button", { name: "Mint token" }).click();
    await expect.poll(() => panel.locator(".gatehouse-token-status").textContent(), { timeout: 60_000 }).toContain("In use: management token (all)");

    const result = await run(page, await readmeExampleQuery());
    expect(result.errors).toBeUndefined();
    expect(result.data.organizations.totalCount).toBe(2);
    const names = result.data.organizations.edges.map((edge: any) => edge.node.name).sort();
    expect(names).toEqual(["Acme", "Globex"]);
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it("mints an organization token as a demo user in one of their organizations: the member's view", async () => {
    const { page } = await openGraphiQL();
    const panel = await openTokensPanel(page);
    await panel.getByLabel("Token kind").selectOption("organization");
    const user = panel.getByLabel("User", { exact: true });
    await expect.poll(() => user.locator("option").allTextContents(), { timeout: 60_000 }).toContain("alan@example.com");
    await user.selectOption({ label: "alan@example.com" });
    await panel.getByLabel("Organization").selectOption({ label: "Acme (member)" });
    await panel.getByRole("button", { name: "Mint token" }).click();
    await expect
      .poll(() => panel.locator(".gatehouse-token-status").textContent(), { timeout: 60_000 })
      .toContain("In use: organization token for alan@example.com in Acme");

    // What Alan sees as a member: the organization, not the management API.
    const acme = await server.db.prisma.organization.findFirstOrThrow({ where: { name: "Acme" } });
    const own = await run(page, `{ organization(id: "${acme.id}") { name } }`);
    expect(own).toEqual({ data: { organization: { name: "Acme" } } });
    const management = await run(page, "{ users { totalCount } }");
    expect(management.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await page.close();
  });

  it("says when the server refuses a token (401) and offers a new one", async () => {
    const { page } = await openGraphiQL();
    await page.getByRole("button", { name: "Headers" }).click();
    await replaceEditorText(page, editor(page, "request-headers.json"), JSON.stringify({ Authorization: "Bearer expired.or.forged" }));
    const refused = await run(page, "{ serverInfo { version } }");
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const notice = page.getByRole("alert").filter({ hasText: "The server refused the token in the Headers tab" });
    await notice.waitFor({ timeout: 60_000 });
    await notice.getByRole("button", { name: "Get a management token" }).click();
    await notice.waitFor({ state: "detached", timeout: 60_000 });

    const result = await run(page, "{ users { totalCount } }");
    expect(result).toEqual({ data: { users: { totalCount: 3 } } });
    await page.close();
  });
});
