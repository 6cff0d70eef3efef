// The web console: a single-page app built by Vite into console/dist, served under one path.
// Hashed files under assets/ never change, so browsers keep them for a year; every other path
// under the console answers index.html (the app routes in the browser), never cached, with the
// page's configuration in meta tags and a strict Content-Security-Policy: scripts only from this
// origin, styles from this origin or carrying this response's nonce (Mantine writes its theme
// variables into <style> elements that carry it), no inline scripts, nothing from other origins
// except the identity provider the console signs in at.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, Hono } from "hono";
import { installationPath } from "../paths.js";

/** Where `npm run build -w console` writes the app. */
export const CONSOLE_DIST = installationPath("console/dist/");

/** What the page learns about its server, read by console/src/config.ts. */
export interface ConsolePageConfig {
  graphqlPath: string;
  tokenPath: string;
  managementResource: string;
  mode: "development" | "production";
  /** The identity provider of production sign-in, if configured. */
  oidc: { issuer: string; clientId: string; scope: string; resource: string } | null;
}

export interface ConsoleOptions {
  /** URL path, such as /console (no trailing slash). */
  path: string;
  page: ConsolePageConfig;
  /**
   * Development only: the secret of the development token path for the page answering this
   * request (undefined when the request may not have it), so the console signs in by itself.
   */
  devSecret?: (c: Context) => string | undefined;
  /** Folder of the built app; CONSOLE_DIST unless a test says otherwise. */
  distDir?: string;
}

export function mountConsole(app: Hono, options: ConsoleOptions): void {
  const { path } = options;
  const distDir = options.distDir ?? CONSOLE_DIST;
  let template: Promise<string> | undefined;

  app.get(`${path}/assets/*`, serveStatic({
    root: distDir,
    rewriteRequestPath: (requestPath) => requestPath.slice(path.length),
    onFound: (_file, c) => {
      c.header("cache-control", "public, max-age=31536000, immutable");
      c.header("x-content-type-options", "nosniff");
    },
  }));
  // A missing hashed file is a 404, not the app: a stale tab asking for an old chunk must fail loudly.
  app.get(`${path}/assets/*`, (c) => c.text("Not found.", 404, { "x-content-type-options": "nosniff" }));
  app.get(`${path}/favicon.svg`, serveStatic({
    root: distDir,
    rewriteRequestPath: (requestPath) => requestPath.slice(path.length),
    onFound: (_file, c) => {
      c.header("cache-control", "public, max-age=3600");
      c.header("x-content-type-options", "nosniff");
    },
  }));

  const page = async (c: Context) => {
    template ??= readFile(`${distDir}index.html`, "utf8").catch((error: unknown) => {
      template = undefined;
      throw error;
    });
    let html: string;
    try {
      html = await template;
    } catch {
      return c.text("The console is not built: run `npm run build` (or `npm install`), then restart Gatehouse.", 503, {
        "cache-control": "no-store",
      });
    }
    const nonce = randomBytes(16).toString("base64");
    const secret = options.page.mode === "development" ? options.devSecret?.(c) : undefined;
    return c.html(renderPage(html, { ...options, nonce, secret }), 200, {
      "cache-control": "no-store",
      "content-security-policy": consoleContentSecurityPolicy(nonce, options.page.oidc ? [new URL(options.page.oidc.issuer).origin] : []),
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
    });
  };
  app.get(path, page);
  app.get(`${path}/*`, page);
}

function renderPage(html: string, options: ConsoleOptions & { nonce: string; secret: string | undefined }): string {
  const { secret } = options;
  const head = [
    `<base href="${escapeAttribute(`${options.path}/`)}">`,
    `<meta name="gatehouse-console" content="${escapeAttribute(JSON.stringify({ ...options.page, basePath: options.path }))}">`,
    `<meta name="csp-nonce" content="${escapeAttribute(options.nonce)}">`,
    ...(secret ? [`<meta name="gatehouse-dev-secret" content="${escapeAttribute(secret)}">`] : []),
  ].join("");
  return html.replace("<head>", `<head>${head}`);
}

export function consoleContentSecurityPolicy(nonce: string, identityProviderOrigins: string[] = []): string {
  const providers = identityProviderOrigins.join(" ");
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${providers ? ` ${providers}` : ""}`,
    "manifest-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
