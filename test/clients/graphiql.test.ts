// GraphiQL in a real browser: a developer opens /graphql, puts an organization token in the
// Headers tab, runs a query and reads the result, refused field included. Nothing leaves the
// machine: Gatehouse serves GraphiQL and its editor itself, under a Content Security Policy that
// allows no inline script, and the page runs without breaking it.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { editor, replaceEditorText } from "../support/graphiql.js";
import { fixtures } from "../support/fixtures.js";
import { organizationToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let browser: Browser | undefined;
let acme: { id: string };
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  const f = fixtures(server.db.prisma);
  acme = await f.organization({ name: "Acme" });
  const user = await f.user();
  await f.member(acme.id, user.id, [(await f.organizationRole({ permissions: ["read:organization"] })).id]);
  token = await organizationToken(server, user.id, acme.id);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The result pane's text, once it shows a response. */
async function resultText(page: Page): Promise<string> {
  const pane = page.locator(".graphiql-response .view-lines");
  await expect.poll(() => pane.innerText(), { timeout: 60_000 }).toContain('"data"');
  // Monaco renders spaces as no-break spaces.
  return (await pane.innerText()).replace(/\u00a0/g, " ");
}

describe("GraphiQL", () => {
  it("runs a query with the Authorization header from the Headers tab and shows the result", async () => {
    // Launched here, not in a hook: without Chromium this test fails, saying what to install.
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const failedRequests: string[] = [];
    page.on("requestfailed", (request) => failedRequests.push(request.url()));
    // Init scripts are injected by the browser driver, outside the page's policy.
    await page.addInitScript(() => {
      const violations: string[] = [];
      Object.assign(window, { cspViolations: violations });
      document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });

    await page.goto(`${server.url}/graphql`);
    await editor(page, "operation.graphql").waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Headers" }).click();
    await replaceEditorText(page, editor(page, "request-headers.json"), JSON.stringify({ Authorization: `Bearer ${token}` }));
    await replaceEditorText(page, editor(page, "operation.graphql"), `{ organization(id: "${acme.id}") { name customData } }`);
    await page.getByRole("button", { name: /Execute query/ }).click();

    const result = JSON.parse(await resultText(page)) as unknown;
    expect(result).toEqual({
      data: { organization: { name: "Acme", customData: null } },
      errors: [
        {
          message: "Not authorized to read Organization.customData.",
          path: ["organization", "customData"],
          extensions: { code: "FORBIDDEN", required: expect.objectContaining({ managementScopes: ["all", "organizations:read"] }) },
        },
      ],
    });
    expect(failedRequests).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    await page.close();
  }, 180_000);
});
