// GraphiQL without inline scripts, so the Content Security Policy (src/http/security-headers.ts) can forbid
// them. @graphql-yoga/render-graphiql inlines its bundle, styles and Monaco's workers in one 9 MB
// page; here the page holds only markup and its options (a JSON data block, which browsers never
// run), and the same bundle, styles and workers are static files of Gatehouse. Still nothing is
// fetched from a CDN, and the browser caches the 9 MB once instead of on every load.
import { createHash } from "node:crypto";
import type { GraphiQLOptions } from "graphql-yoga";

export const GRAPHIQL_ASSETS_PATH = "/graphiql";

interface Asset {
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
}

interface GraphiQLAssets {
  /** Path prefix holding a hash of the bundle, so a new version is never served from a stale cache. */
  base: string;
  files: Map<string, Asset>;
}

let loading: Promise<GraphiQLAssets> | undefined;

/** The bundle is imported on first use: production, which serves no GraphiQL, never loads it. */
function assets(): Promise<GraphiQLAssets> {
  loading ??= import("@graphql-yoga/render-graphiql/graphiql").then(buildAssets);
  return loading;
}

function buildAssets(bundle: typeof import("@graphql-yoga/render-graphiql/graphiql")): GraphiQLAssets {
  const base = `${GRAPHIQL_ASSETS_PATH}/${createHash("sha256").update(bundle.js).update(bundle.css).digest("hex").slice(0, 16)}`;
  const workers = {
    editorWorkerService: `${base}/editor.worker.js`,
    json: `${base}/json.worker.js`,
    graphql: `${base}/graphql.worker.js`,
  };
  // What render-graphiql's inline script does, as one same-origin script: Monaco's workers come
  // from URLs instead of blobs, and the options from the page's data block.
  const script = `self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: function (moduleId, label) { return ${JSON.stringify(workers)}[label]; },
};
${bundle.js};
YogaGraphiQL.renderYogaGraphiQL(
  document.querySelector("#root"),
  JSON.parse(document.getElementById("graphiql-options").textContent),
);
`;
  const javascript = "text/javascript; charset=utf-8";
  const files = new Map<string, Asset>([
    ["graphiql.js", { body: script, contentType: javascript }],
    ["graphiql.css", { body: bundle.css, contentType: "text/css; charset=utf-8" }],
    ["editor.worker.js", { body: bundle.editorWorkerService, contentType: javascript }],
    ["json.worker.js", { body: bundle.jsonWorker, contentType: javascript }],
    ["graphql.worker.js", { body: bundle.graphqlWorker, contentType: javascript }],
    ["favicon.ico", favicon(bundle.favicon)],
  ]);
  return { base, files };
}

/** Yoga's `renderGraphiQL`: the page, with no inline script. */
export async function renderGraphiQLPage(options: GraphiQLOptions = {}): Promise<string> {
  const { base } = await assets();
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? "GraphiQL")}</title>
    <link rel="icon" href="${base}/favicon.ico" />
    <link rel="stylesheet" href="${base}/graphiql.css" />
    <script type="application/json" id="graphiql-options">${jsonForHtml(options)}</script>
    <script src="${base}/graphiql.js" defer></script>
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
