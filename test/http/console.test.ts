// Serving the console: the app at its path (any route under it answers the page), hashed assets
// cached for good, a strict Content-Security-Policy with a fresh nonce, the page's configuration in
// meta tags, and the options that move it or turn it off.
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mountConsole } from "../../src/http/console.js";
import { getWithHost } from "../support/raw-http.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let off: TestServer;
let production: TestServer;

beforeAll(async () => {
  // One after the other: servers starting at once in one process slow each other down.
  server = await startTestServer();
  off = await startTestServer({ env: { GATEHOUSE_CONSOLE: "false" } });
  production = await startTestServer({
    env: { GATEHOUSE_MODE: "production", GATEHOUSE_ISSUER: "https://id.example.test", GATEHOUSE_SECRET: "p".repeat(40) },
  });
}, 180_000);
afterAll(async () => {
  await server?.close();
  await off?.close();
  await production?.close();
});

const pageWithHost = (url: string, host: string) => getWithHost(url, host);

function meta(html: string, name: string): string | undefined {
  return new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1]?.replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

describe("console serving", () => {
  it("answers the page at the console path and at any route under it, never cached, with a strict CSP", async () => {
    for (const path of ["/console", "/console/", "/console/organizations/some-id"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      const html = await response.text();
      expect(html).toContain('<base href="/console/">');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      const nonce = meta(html, "csp-nonce")!;
      expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(JSON.parse(meta(html, "gatehouse-console")!)).toMatchObject({
        basePath: "/console",
        graphqlPath: "/graphql",
        tokenPath: "/oauth/token",
        managementResource: "urn:gatehouse:management",
        oidc: null,
      });
    }
    const [first, second] = await Promise.all([fetch(`${server.url}/console`), fetch(`${server.url}/console`)]);
    expect(meta(await first.text(), "csp-nonce")).not.toBe(meta(await second.text(), "csp-nonce"));
  });

  it("serves hashed assets as immutable, and a missing one as 404 rather than the page", async () => {
    const html = await (await fetch(`${server.url}/console`)).text();
    const script = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"><\/script>/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}/console/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    await asset.arrayBuffer();
    const missing = await fetch(`${server.url}/console/assets/gone-0000.js`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it("moves with GATEHOUSE_CONSOLE_PATH and is gone with GATEHOUSE_CONSOLE=false", async () => {
    const moved = new Hono();
    mountConsole(moved, {
      path: "/admin/console",
      page: { graphqlPath: "/graphql", tokenPath: "/oauth/token", managementResource: "urn:gatehouse:management", mode: "production", oidc: null },
    });
    const page = await moved.request("/admin/console/users");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<base href="/admin/console/">');
    expect((await moved.request("/console")).status).toBe(404);
    const none = await fetch(`${off.url}/console`);
    expect(none.status).toBe(404);
    await none.arrayBuffer();
  });

  it("hands the development token path's secret to pages served over loopback in development, never in production", async () => {
    const html = await (await fetch(`${server.url}/console/organizations`)).text();
    expect(meta(html, "gatehouse-dev-secret")).toBe(server.development!.secret);
    // A page reached through another name (DNS rebinding) does not carry it.
    expect(meta(await pageWithHost(`${server.url}/console`, "gatehouse.attacker.example"), "gatehouse-dev-secret")).toBeUndefined();
    expect(meta(await pageWithHost(`${server.url}/console`, `localhost:${new URL(server.url).port}`), "gatehouse-dev-secret")).toBe(server.development!.secret);

    const productionPage = await fetch(`${production.url}/console`);
    expect(productionPage.status).toBe(200);
    const productionHtml = await productionPage.text();
    expect(productionHtml).not.toContain("gatehouse-dev-secret");
    expect(JSON.parse(meta(productionHtml, "gatehouse-console")!)).toMatchObject({ mode: "production" });
    // Even handed a secret, a production console page never writes it.
    const app = new Hono();
    mountConsole(app, {
      path: "/console",
      page: { graphqlPath: "/graphql", tokenPath: "/oauth/token", managementResource: "urn:gatehouse:management", mode: "production", oidc: null },
      devSecret: () => "must-not-appear",
    });
    expect(await (await app.request("/console")).text()).not.toContain("must-not-appear");
  });
});
