// GraphiQL without inline scripts, so the Content Security Policy (src/http/security-headers.ts) can forbid
// them. @graphql-yoga/render-graphiql inlines its bundle, styles and Monaco's workers in one 9 MB
// page; here the page holds only markup and its options (a JSON data block, which browsers never
// run), and the same bundle, styles and workers are static files of Gatehouse. Still nothing is
// fetched from a CDN, and the browser caches the 9 MB once instead of on every load.
//
// In development, a page requested over loopback also gets the Tokens panel (a GraphiQL plugin,
// assets/graphiql/tokens.js) and the secret of the development token path it mints tokens at.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { GraphiQLOptions } from "graphql-yoga";
import { managementScopes } from "../domain/management.js";
import { installationUrl } from "../paths.js";

export const GRAPHIQL_ASSETS_PATH = "/graphiql";

/** Where the Tokens panel mints tokens (the HTTP layer's development token path), per request. */
export interface TokenPanelAccess {
  /** `/dev/tokens` */
  endpoint: string;
  /** The header carrying the secret. */
  secretHeader: string;
  /** This process's development secret. */
  secret: string;
}

/** Yoga's server context of a GraphQL request: the Tokens panel's access, when this page may have it. */
export interface GraphiQLServerContext {
  tokenPanel?: TokenPanelAccess;
}

/** GraphiQL's page options, as `renderGraphiQLPage` receives them. */
export type GatehouseGraphiQLOptions = GraphiQLOptions & { tokenPanel?: TokenPanelAccess };

const TOKEN_PANEL_SCRIPT = installationUrl("assets/graphiql/tokens.js");

interface Asset {
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
}

interface GraphiQLAssets {
  /** Path prefix holding a hash of the bundle, so a new version is never served from a stale cache. */
  base: string;
  /** Whether the Tokens panel's script is there. */
  tokenPanel: boolean;
  files: Map<string, Asset>;
}

let loading: Promise<GraphiQLAssets> | undefined;

/** The bundle is imported on first use: production, which serves no GraphiQL, never loads it. */
function assets(): Promise<GraphiQLAssets> {
  // The panel's script ships beside src/ and dist/; an installation without it serves GraphiQL without the panel.
  const tokenPanel = readFile(TOKEN_PANEL_SCRIPT, "utf8").catch(() => undefined);
  loading ??= Promise.all([import("@graphql-yoga/render-graphiql/graphiql"), tokenPanel]).then(
    ([bundle, tokenPanel]) => buildAssets(bundle, tokenPanel),
  );
  return loading;
}

function buildAssets(bundle: typeof import("@graphql-yoga/render-graphiql/graphiql"), tokenPanel: string | undefined): GraphiQLAssets {
  const hash = createHash("sha256").update(bundle.js).update(bundle.css).update(tokenPanel ?? "").digest("hex").slice(0, 16);
  const base = `${GRAPHIQL_ASSETS_PATH}/${hash}`;
  const workers = {
    editorWorkerService: `${base}/editor.worker.js`,
    json: `${base}/json.worker.js`,
    graphql: `${base}/graphql.worker.js`,
  };
  // What render-graphiql's inline script does, as one same-origin script: Monaco's workers come
  // from URLs instead of blobs, and the options from the page's data block. GraphiQL renders once
  // every deferred script ran, so the Tokens panel's script (after this one) can add its plugin.
  const script = `self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: function (moduleId, label) { return ${JSON.stringify(workers)}[label]; },
};
${bundle.js};
document.addEventListener("DOMContentLoaded", function () {
  var options = JSON.parse(document.getElementById("graphiql-options").textContent);
  if (self.gatehouseGraphiQLPlugins) options.plugins = self.gatehouseGraphiQLPlugins;
  YogaGraphiQL.renderYogaGraphiQL(document.querySelector("#root"), options);
});
`;
  const javascript = "text/javascript; charset=utf-8";
  const files = new Map<string, Asset>([
    ["graphiql.js", { body: script, contentType: javascript }],
    ["graphiql.css", { body: bundle.css, contentType: "text/css; charset=utf-8" }],
    ...(tokenPanel === undefined ? [] : [["tokens.js", { body: tokenPanel, contentType: javascript }] as const]),
    ["editor.worker.js", { body: bundle.editorWorkerService, contentType: javascript }],
    ["json.worker.js", { body: bundle.jsonWorker, contentType: javascript }],
    ["graphql.worker.js", { body: bundle.graphqlWorker, contentType: javascript }],
    ["favicon.ico", favicon(bundle.favicon)],
  ]);
  return { base, files, tokenPanel: tokenPanel !== undefined };
}

/**
 * Yoga's `renderGraphiQL`: the page, with no inline script. With `tokenPanel` (development, a
 * loopback request), also the Tokens panel: its script, its settings and the secret.
 */
export async function renderGraphiQLPage({ tokenPanel, ...options }: GatehouseGraphiQLOptions = {}): Promise<string> {
  const { base, tokenPanel: panelShipped } = await assets();
  const panel = tokenPanel && panelShipped
    ? `
    <meta name="gatehouse-dev-secret" content="${escapeHtml(tokenPanel.secret)}" />
    <script type="application/json" id="gatehouse-token-panel">${jsonForHtml({
      endpoint: tokenPanel.endpoint,
      secretHeader: tokenPanel.secretHeader,
      graphqlPath: options.endpoint ?? "/graphql",
      managementScopes: Object.keys(managementScopes),
    })}</script>
    <script src="${base}/tokens.js" defer></script>`
    : "";
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? "GraphiQL")}</title>
    <link rel="icon" href="${base}/favicon.ico" />
    <link rel="stylesheet" href="${base}/graphiql.css" />
    <script type="application/json" id="graphiql-options">${jsonForHtml(options)}</script>
    <script src="${base}/graphiql.js" defer></script>${panel}
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
  </body>
</html>
`;
}

/** One of the page's files, or undefined when `path` names none (an old hash included). */
export async function graphiqlAsset(path: string): Promise<Response | undefined> {
  const { base, files } = await assets();
  if (!path.startsWith(`${base}/`)) return undefined;
  const asset = files.get(path.slice(base.length + 1));
  if (!asset) return undefined;
  return new Response(asset.body, {
    headers: { "content-type": asset.contentType, "cache-control": "public, max-age=31536000, immutable" },
  });
}

/** render-graphiql's favicon is a `data:` URL of 150 kB; as a file it is fetched once, not on every page. */
function favicon(dataUrl: string): Asset {
  const [, contentType = "image/x-icon", base64 = ""] = /^data:([^;,]+);base64,(.*)$/s.exec(dataUrl) ?? [];
  return { body: new Uint8Array(Buffer.from(base64, "base64")), contentType };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JSON inside a `<script>` element: `<` escaped so no value can close the element. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
