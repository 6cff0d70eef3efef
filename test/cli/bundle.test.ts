// The built server: `npm run build` bundles src/cli.ts with esbuild (scripts/bundle.ts), and
// package.json's `bin` runs that bundle. What a production start loads is the bundle's static
// module graph from cli.js, the server's chunk and the server stack's (which the server imports
// while the database opens); development-only code must stay out of it.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXTERNAL, QUERY_COMPILER_FILE, bundle } from "../../scripts/bundle.js";
import { serve } from "../support/cli.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

let outdir: string;
let metafile: Metafile;

beforeAll(async () => {
  // Beside dist/, one folder below the root, as dist/ is: the bundle finds the installation's files
  // (migrations, package.json) one folder up.
  outdir = await mkdtemp(join(root, ".bundle-test-"));
  metafile = await bundle(outdir);
}, 120_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

/** The bundle's output file built from `entryPoint`. */
function outputOf(entryPoint: string): string {
  const found = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entryPoint);
  if (!found) throw new Error(`no output for ${entryPoint}`);
  return found[0];
}

/** Source files in the outputs `from` import statically, transitively (what loading them evaluates). */
function staticSources(from: string[]): Set<string> {
  const outputs = new Set<string>();
  const pending = [...from];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (outputs.has(file)) continue;
    outputs.add(file);
    for (const imported of metafile.outputs[file]!.imports) {
      if (imported.kind === "import-statement" && !imported.external) pending.push(imported.path);
    }
  }
  return new Set([...outputs].flatMap((file) => Object.keys(metafile.outputs[file]!.inputs)));
}

describe("npm run build", () => {
  it("bundles the command that package.json's bin runs", async () => {
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin.gatehouse).toBe("dist/cli.js");
    expect(pkg.scripts.build).toContain("tsx scripts/bundle.ts");
    expect(outputOf("src/cli.ts")).toBe(join(outdir, "cli.js").slice(root.length));
  });

  it("keeps development-only code out of what a production serve loads", () => {
    const loaded = staticSources([outputOf("src/cli.ts"), outputOf("src/server.ts"), outputOf("src/server-stack.ts")]);
    expect(loaded).toContain("src/server.ts");
    expect(loaded).toContain("src/graphql/yoga.ts");
    for (const development of ["src/cli/playground.ts", "src/domain/demo.ts"]) expect(loaded).not.toContain(development);
    // GraphiQL's 9 MB bundle is imported on the first GraphiQL page, from node_modules.
    expect([...loaded].filter((file) => file.includes("render-graphiql"))).toEqual([]);
  });

  it("reads Prisma's query compiler from a WebAssembly file beside it, not from base64 text", async () => {
    const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
    expect(imports.filter((path) => path.includes("wasm-base64"))).toEqual([]);
    const wasm = await readFile(join(outdir, QUERY_COMPILER_FILE));
    expect(WebAssembly.validate(wasm)).toBe(true);
  });

  it("imports no bundled package dynamically as a bare default export", () => {
    // With code splitting, esbuild turns `await import("pkg")` of a CommonJS package into a chunk
    // exporting only `default` (module.exports): its named exports are undefined there, though they
    // work under tsx. Such a package is imported statically by a module of ours, which the dynamic
    // import then loads (as the CLI's print-schema does through src/graphql/schema/index.ts).
    const defaultOnly = Object.values(metafile.outputs).flatMap((output) =>
      output.imports
        .filter((imported) => imported.kind === "dynamic-import" && !imported.external)
        .map((imported) => metafile.outputs[imported.path]!)
        .filter((target) => target.entryPoint?.startsWith("node_modules/") && target.exports.join() === "default")
        .map((target) => target.entryPoint),
    );
    expect(defaultOnly).toEqual([]);
  });
});

/** An import or require of graphql (or one of its paths) in JavaScript source. */
const LOADS_GRAPHQL = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']graphql(?:\/[^"']*)?["']/;

/** The installed folder of package `name` as Node finds it from `from` (a package folder), or undefined. */
function packageFolder(name: string, from: string): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    const candidate = join(folder, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (folder === dirname(folder)) return undefined;
  }
}

/** The JavaScript files of `folder` that load graphql, its own nested node_modules aside. */
async function filesLoadingGraphql(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !/\.[cm]?js$/.test(entry.name) || file.slice(folder.length).includes("/node_modules/")) continue;
    if (LOADS_GRAPHQL.test(await readFile(file, "utf8"))) found.push(file.slice(root.length));
  }
  return found;
}

describe("graphql-js in the bundle", () => {
  // Its CommonJS build, wrapped for ES modules, made every graphql-js call of the executor, Pothos and
  // Yoga a getter call; and a second copy breaks graphql-js's instanceof checks ("from another module or realm").
  it("is graphql's ES module build, once", () => {
    const files = Object.keys(metafile.inputs).filter((file) => file.startsWith("node_modules/graphql/"));
    expect(files).toContain("node_modules/graphql/index.mjs");
    expect(files.filter((file) => !file.endsWith(".mjs"))).toEqual([]);
  });

  it("is not loaded again at run time by a package left out of the bundle", async () => {
    const seen = new Set<string>();
    const pending = EXTERNAL.map((name) => packageFolder(name, root)).filter((folder) => folder !== undefined);
    expect(pending.length).toBeGreaterThan(0);
    const loading: string[] = [];
    for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
      if (seen.has(folder)) continue;
      seen.add(folder);
      loading.push(...(await filesLoadingGraphql(folder)));
      const pkg = JSON.parse(await readFile(join(folder, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
      for (const name of Object.keys(pkg.dependencies ?? {})) {
        const dependency = packageFolder(name, folder);
        if (dependency) pending.push(dependency);
      }
    }
    expect(loading).toEqual([]);
  }, 60_000);
});

describe("the bundle", () => {
  it("serves in production mode on a new embedded data folder", async () => {
    const dataDir = await mkdtemp(join(outdir, "data-"));
    const server = await serve(
      { NODE_ENV: "production", GATEHOUSE_MODE: "production", GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_ISSUER: "http://127.0.0.1", GATEHOUSE_SECRET: "bundle-test-secret-0123456789abcdef0123456789" },
      ["--host", "127.0.0.1"],
      undefined,
      [join(outdir, "cli.js")],
    );
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const answer = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        // `_service` is printed by @apollo/subgraph (CommonJS, bundled) from the schema Pothos built:
        // with two copies of graphql-js, its instanceof checks would fail.
        body: JSON.stringify({ query: "{ __typename _service { sdl } }" }),
      });
      const { data } = (await answer.json()) as { data: { __typename: string; _service: { sdl: string } } };
      expect(data.__typename).toBe("Query");
      // The subgraph SDL is printed on its first query, not while the schema is built: the same text.
      expect(`${data._service.sdl}\n`).toBe(await readFile(join(root, "schema.graphql"), "utf8"));
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 180_000);

  it("prints the committed schema.graphql with print-schema", async () => {
    // The CLI's own command, from the bundle: a package it loaded apart from the server's chunks
    // could reach it in a shape the TypeScript sources never see (a CommonJS module's dynamic
    // import yields only a default export there).
    const { stdout } = await promisify(execFile)(process.execPath, [join(outdir, "cli.js"), "print-schema"], { maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toBe(await readFile(join(root, "schema.graphql"), "utf8"));
  }, 60_000);
});
