// The organization docs' example, done in the console as an administrator would, through the UI
// only: the template (permissions invite:users and remove:users; roles admin with both, member
// with invite:users, and a machine-to-machine role), users and an application, an organization
// with two users added at once with roles, a role change, require MFA, the application with its
// role, a logo uploaded and shown at its public URL. Then the token endpoint answers with exactly what the UI set.
import { decodeJwt } from "jose";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityToken, requestToken, TOKEN_EXCHANGE, ACCESS_TOKEN_TYPE } from "../support/oauth.js";
import { choose, closed, type ConsoleWorld, dialog, linkedUser, manage, row, signIn, startConsoleWorld, WAIT } from "./support.js";

let world: ConsoleWorld;

/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");

beforeAll(async () => {
  world = await startConsoleWorld();
  await linkedUser(world, "ada", { console: true });
}, 180_000);
afterAll(async () => {
  await world?.close();
});

async function createPermission(page: Page, name: string) {
  await page.getByRole("button", { name: "Create permission", exact: true }).click();
  const form = dialog(page, "Create organization permission");
  await form.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await form.getByRole("button", { name: "Create", exact: true }).click();
  await closed(form);
  await row(page, "Organization permissions", name).waitFor();
}

async function createRole(page: Page, name: string, type: "User" | "Machine-to-machine", permissions: string[]) {
  await page.getByRole("button", { name: "Create role", exact: true }).click();
  const form = dialog(page, "Create organization role");
  await form.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await form.getByText(type, { exact: true }).click();
  await choose(form, "Organization permissions", permissions);
  await form.getByRole("button", { name: "Create", exact: true }).click();
  await closed(form);
  await row(page, "Organization roles", name).waitFor();
}

async function createUser(page: Page, name: string, email: string) {
  await page.getByRole("button", { name: "Create user", exact: true }).click();
  const form = dialog(page, "Create user");
  await form.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await form.getByRole("textbox", { name: "Email", exact: true }).fill(email);
  await form.getByRole("checkbox", { name: "MFA enrolled", exact: true }).check();
  await form.getByRole("button", { name: "Create", exact: true }).click();
  await closed(form);
  await row(page, "Users", name).waitFor();
}

describe("console: the organization docs' example", () => {
  it("sets up the template, an organization, members, MFA and an application through the UI, and tokens carry it", { timeout: 300_000 }, async () => {
    const page = await signIn(world, "ada");
    const failedRequests: string[] = [];
    page.on("requestfailed", (request) => failedRequests.push(`${request.url()} ${request.failure()?.errorText}`));
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
    });

    // The template: two permissions, two user roles and a machine-to-machine role.
    await page.getByRole("link", { name: "Organization template", exact: true }).click();
    await page.getByRole("heading", { name: "Organization template", level: 1, exact: true }).waitFor();
    await createPermission(page, "invite:users");
    await createPermission(page, "remove:users");
    await page.getByRole("tab", { name: "Organization roles", exact: true }).click();
    await createRole(page, "admin", "User", ["invite:users", "remove:users"]);
    await createRole(page, "member", "User", ["invite:users"]);
    await createRole(page, "bot", "Machine-to-machine", ["invite:users"]);
    await expect.poll(() => row(page, "Organization roles", "bot").textContent(), { timeout: WAIT }).toContain("Machine-to-machine");

    // Two users (with MFA), and an application whose secret is shown once.
    await page.getByRole("link", { name: "Users", exact: true }).click();
    await createUser(page, "Alice", "alice@example.com");
    await createUser(page, "Bob", "bob@example.com");
    await page.getByRole("link", { name: "Applications", exact: true }).click();
    await page.getByRole("button", { name: "Create application", exact: true }).click();
    const appForm = dialog(page, "Create application");
    await appForm.getByRole("textbox", { name: "Name", exact: true }).fill("Billing bot");
    await appForm.getByRole("button", { name: "Create", exact: true }).click();
    const clientSecret = appForm.getByRole("textbox", { name: "Client secret", exact: true });
    await clientSecret.waitFor();
    const credentials = { id: await appForm.getByRole("textbox", { name: "Client id", exact: true }).inputValue(), secret: await clientSecret.inputValue() };
    expect(credentials.secret.length).toBeGreaterThan(20);
    await appForm.getByRole("button", { name: "Done", exact: true }).click();
    await closed(appForm);

    // The organization, with both users added at once as members, then Alice made admin.
    await page.getByRole("link", { name: "Organizations", exact: true }).click();
    await page.getByRole("button", { name: "Create organization", exact: true }).click();
    const orgForm = dialog(page, "Create organization");
    await orgForm.getByRole("textbox", { name: "Name", exact: true }).fill("Acme");
    await orgForm.getByRole("textbox", { name: "Description", exact: true }).fill("The docs' example");
    await orgForm.getByRole("button", { name: "Create", exact: true }).click();
    await closed(orgForm);
    await page.getByRole("heading", { name: "Acme", level: 1, exact: true }).waitFor();
    const organizationId = new URL(page.url()).pathname.split("/").pop()!;

    await page.getByRole("button", { name: "Add members", exact: true }).click();
    const membersForm = dialog(page, "Add members");
    await choose(membersForm, "Users", ["Alice (alice@example.com)", "Bob (bob@example.com)"]);
    await choose(membersForm, "Roles", ["member"]);
    await membersForm.getByRole("button", { name: "Add", exact: true }).click();
    await closed(membersForm);
    await expect.poll(() => row(page, "Members", "Alice").textContent(), { timeout: WAIT }).toContain("member");
    await expect.poll(() => row(page, "Members", "Bob").textContent(), { timeout: WAIT }).toContain("member");

    await page.getByRole("button", { name: "Edit roles of Alice", exact: true }).click();
    const rolesForm = dialog(page, "Roles of Alice");
    await choose(rolesForm, "Roles", ["admin"]);
    await rolesForm.getByRole("button", { name: "Save roles", exact: true }).click();
    await closed(rolesForm);
    await expect.poll(() => row(page, "Members", "Alice").textContent(), { timeout: WAIT }).toContain("remove:users");

    // Require MFA, with its caveat shown.
    await page.getByRole("tab", { name: "Settings", exact: true }).click();
    const requireMfa = page.getByRole("switch", { name: /^Require MFA/ });
    await expect.poll(() => page.getByText("An MFA method must be enabled", { exact: false }).count(), { timeout: WAIT }).toBe(1);
    expect(await requireMfa.isChecked()).toBe(false);
    // A controlled switch: it turns on once the server has saved the change.
    await requireMfa.click();
    await page.getByText("MFA required", { exact: true }).waitFor();
    await expect.poll(() => requireMfa.isChecked(), { timeout: WAIT }).toBe(true);

    // A logo, uploaded from the organization page, shown there and served publicly at its URL.
    const logo = page.getByRole("region", { name: "Logo", exact: true });
    const chooser = page.waitForEvent("filechooser");
    await logo.getByRole("button", { name: "Upload logo", exact: true }).click();
    await (await chooser).setFiles({ name: "logo.png", mimeType: "image/png", buffer: PNG });
    const shown = logo.getByRole("img", { name: "Logo of the organization", exact: true });
    await shown.waitFor();
    const logoUrl = (await shown.getAttribute("src"))!;
    expect(logoUrl).toMatch(/\/branding\/images\/[0-9a-f]{64}$/);
    await expect.poll(() => shown.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth), { timeout: WAIT }).toBe(1);
    const publicLogo = await fetch(logoUrl);
    expect(publicLogo.status).toBe(200);
    expect(publicLogo.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await publicLogo.arrayBuffer()).equals(PNG)).toBe(true);

    // The application, with the machine-to-machine role.
    await page.getByRole("tab", { name: "Machine-to-machine", exact: true }).click();
    await page.getByRole("button", { name: "Add applications", exact: true }).click();
    const appsForm = dialog(page, "Add applications");
    await choose(appsForm, "Applications", ["Billing bot"]);
    await choose(appsForm, "Roles", ["bot"]);
    await appsForm.getByRole("button", { name: "Add", exact: true }).click();
    await closed(appsForm);
    await expect.poll(() => row(page, "Applications", "Billing bot").textContent(), { timeout: WAIT }).toContain("bot");
    // The organization's applications are searched by the API (Organization.applications(search:)).
    const searchApplications = page.getByRole("textbox", { name: "Search applications", exact: true });
    await searchApplications.fill("payroll");
    await page.getByText("No applications match.", { exact: true }).waitFor();
    await searchApplications.fill("billing");
    await row(page, "Applications", "Billing bot").waitFor();

    // What the UI set is what tokens carry.
    const { users } = await manage<{ users: { edges: { node: { id: string; name: string } }[] } }>(world, `{ users(first: 50) { edges { node { id name } } } }`);
    const idOf = (name: string) => users.edges.find(({ node }) => node.name === name)!.node.id;
    const scopesOf = async (userId: string) => {
      const response = await requestToken(world.server, {
        grant_type: TOKEN_EXCHANGE,
        subject_token: await identityToken(world.server, userId),
        subject_token_type: ACCESS_TOKEN_TYPE,
        organization_id: organizationId,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return (response.body.scope ?? "").split(" ").sort();
    };
    expect(await scopesOf(idOf("Alice"))).toEqual(["invite:users", "remove:users"]);
    expect(await scopesOf(idOf("Bob"))).toEqual(["invite:users"]);
    const { organization } = await manage<{ organization: { isMfaRequired: boolean } }>(world, `query($id: ID!) { organization(id: $id) { isMfaRequired } }`, { id: organizationId });
    expect(organization.isMfaRequired).toBe(true);

    const machine = await requestToken(world.server, { grant_type: "client_credentials", organization_id: organizationId }, { basic: [credentials.id, credentials.secret] });
    expect(machine.status, JSON.stringify(machine.body)).toBe(200);
    expect(decodeJwt(machine.body.access_token!)).toMatchObject({ organization_id: organizationId, scope: "invite:users" });

    expect(failedRequests.filter((entry) => !entry.includes("ERR_ABORTED"))).toEqual([]);
    expect(cspViolations).toEqual([]);
    await page.close();
  });
});
