// GraphiQL's Tokens panel is served only where it may mint: a development page requested over
// loopback with a loopback Host gets the panel's script and the development secret; a page reached
// through another name gets neither; production serves no GraphiQL, no panel and no minting path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getWithHost } from "../support/raw-http.js";
import { startTestServer, type TestServer } from "../support/server.js";

let development: TestServer;
let production: TestServer;

beforeAll(async () => {
  development = await startTestServer();
  production = await startTestServer({
    env: { GATEHOUSE_MODE: "production", GATEHOUSE_ISSUER: "https://id.example.test", GATEHOUSE_SECRET: "p".repeat(40) },
  });
}, 180_000);
afterAll(async () => {
  await development?.close();
  await production?.close();
});

const pageWithHost = (url: string, host: string) => getWithHost(url, host, { accept: "text/html" });

const graphiqlPage = async (server: TestServer) => fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
const secretOf = (html: string) => /<meta name="gatehouse-dev-secret" content="([^"]*)"/.exec(html)?.[1];
const panelScript = (html: string) => /<script src="(\/graphiql\/[0-9a-f]+\/tokens\.js)" defer><\/script>/.exec(html)?.[1];

describe("GraphiQL's Tokens panel", () => {
  it("comes with a development page requested over loopback: the panel's script, its settings, the secret", async () => {
    const response = await graphiqlPage(development);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(secretOf(html)).toBe(development.development!.secret);
    const settings = JSON.parse(/<script type="application\/json" id="gatehouse-token-panel">(.*?)<\/script>/.exec(html)![1]!) as Record<string, unknown>;
    expect(settings).toEqual({
      endpoint: "/dev/tokens",
      secretHeader: "x-gatehouse-dev-secret",
      graphqlPath: "/graphql",
      managementScopes: expect.arrayContaining(["all", "organizations:read", "users:read"]),
    });
    // Still no inline script: the panel is a same-origin file.
    expect(html).not.toMatch(/<script(?![^>]*\b(src|type="application\/json")=?)[^>]*>/);
    const script = await fetch(`${development.url}${panelScript(html)}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("text/javascript");
    expect(await script.text()).toContain("gatehouseGraphiQLPlugins");
  });

  it("is left out of a page reached through another name (DNS rebinding)", async () => {
    const html = await pageWithHost(`${development.url}/graphql`, "gatehouse.attacker.example");
    expect(html).toContain("Gatehouse GraphiQL");
    expect(secretOf(html)).toBeUndefined();
    expect(panelScript(html)).toBeUndefined();
    expect(html).not.toContain(development.development!.secret);
    const local = await pageWithHost(`${development.url}/graphql`, `localhost:${development.port}`);
    expect(secretOf(local)).toBe(development.development!.secret);
  });

  it("never exists in production: no GraphiQL, no panel script, no minting path", async () => {
    const page = await graphiqlPage(production);
    const html = await page.text();
    expect(html).not.toContain("gatehouse-dev-secret");
    expect(html).not.toContain("tokens.js");
    const path = panelScript(await (await graphiqlPage(development)).text())!;
    expect((await fetch(`${production.url}${path}`)).status).toBe(404);
    const mint = await fetch(`${production.url}/dev/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-gatehouse-dev-secret": development.development!.secret },
      body: JSON.stringify({ kind: "management" }),
    });
    expect(mint.status).toBe(404);
    expect(production.development).toBeUndefined();
  });
});
