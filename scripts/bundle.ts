// `npm run build`'s server build: src/cli.ts and what it imports, dependencies included, bundled by
// esbuild into dist/ (dist/cli.js is the `gatehouse` command). A start then reads a few files instead
// of hundreds from node_modules: finding, reading and linking modules was the largest part of a
// start (docs/performance.md, "Start"). Code loaded by a dynamic import (the server for `serve`, the
// development playground, each command's work) stays in chunks of its own, loaded only when used.
// Usage: tsx scripts/bundle.ts [outdir]   (default dist; the folder is emptied first)
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Metafile, type Plugin, build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Left in node_modules, imported at run time:
 * - PGlite reads its WebAssembly and data files relative to its own module's URL;
 * - Prisma's client runtime loads its WebAssembly query compiler (a 3 MB base64 module) only when a
 *   client connects, and does its own lazy requires;
 * - GraphiQL's 9 MB bundle is only for development mode, imported on the first GraphiQL page;
 * - pg-native is pg's optional native binding, never installed.
 */
export const EXTERNAL = ["@electric-sql/pglite", "@prisma/client", "@graphql-yoga/render-graphiql", "pg-native"];

/**
 * CommonJS dependencies call require, and read __filename/__dirname, which an ES module lacks. Only
 * imported names here: esbuild does not see this text, and a bundled module's top-level `var URL`
 * (uuid has one) would shadow a global used here.
 */
const COMMONJS_GLOBALS = [
  `import { createRequire as __gatehouseCreateRequire } from "node:module";`,
  `import { dirname as __gatehouseDirname } from "node:path";`,
  `import { fileURLToPath as __gatehouseFileURLToPath } from "node:url";`,
  `const require = __gatehouseCreateRequire(import.meta.url);`,
  `const __filename = __gatehouseFileURLToPath(import.meta.url);`,
  `const __dirname = __gatehouseDirname(__filename);`,
].join("\n");

/**
 * graphql 16 has no "exports" map, so esbuild (`platform: "node"`) resolves `graphql` to its
 * CommonJS build, wrapped by `__toESM`: every `graphql.X` the bundled executor, Pothos and Yoga read
 * was then a getter call (esbuild's, then graphql's own re-export), 5-7% of the member page's CPU.
 * This resolves `graphql` and each `graphql/<path>` (imported or required) to the package's ES
 * module build (`<path>.mjs`, `<path>/index.mjs`) instead, so the bundle holds exactly one copy of
 * graphql-js, linked directly (two copies would break its `instanceof` checks: "Cannot use
 * GraphQLSchema from another module or realm"). A path with no ES module file fails the build
 * rather than bring the CommonJS copy back; test/cli/bundle.test.ts checks the bundle's inputs.
 */
function graphqlModuleBuild(): Plugin {
  const packageDir = dirname(createRequire(join(root, "package.json")).resolve("graphql/package.json"));
  return {
    name: "graphql-module-build",
    setup(esbuild) {
      esbuild.onResolve({ filter: /^graphql(\/.*)?$/ }, ({ path }) => {
        const subpath = path.slice("graphql".length).replace(/^\//, "").replace(/\.m?js$/, "");
        const candidates = subpath ? [`${subpath}.mjs`, `${subpath}/index.mjs`] : ["index.mjs"];
        const found = candidates.map((candidate) => join(packageDir, candidate)).find((file) => existsSync(file));
        if (!found) return { errors: [{ text: `graphql has no ES module build of "${path}"` }] };
        return { path: found };
      });
    },
  };
}

/** Prisma's WebAssembly query compiler for PostgreSQL, as the generated client imports it: base64 text. */
const QUERY_COMPILER_BASE64 = "@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs";
/** The same module as a binary file in the bundle's folder. */
export const QUERY_COMPILER_FILE = "prisma-query-compiler.wasm";

/**
 * The generated client (src/generated/prisma/internal/class.ts) loads its query compiler from a 4.5 MB
 * module of base64 text, decodes it and compiles it with the synchronous `new WebAssembly.Module`: at
 * every start, on the main thread, ~60–150 ms (parsing the text, decoding, compiling), and the text
 * stays in the JavaScript heap (~9 MB) for the process's life. Prisma's generator has no option for
 * another loader, so the bundle changes those two lines of the generated code: the compiler is read
 * from QUERY_COMPILER_FILE (written beside the bundle by `bundle`) and compiled by
 * `WebAssembly.compile`, on V8's background threads. The build fails if the generated text changes.
 */
const queryCompilerFromFile: Plugin = {
  name: "prisma-query-compiler-from-file",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]generated[\\/]prisma[\\/]internal[\\/]class\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const loading = /const \{ wasm \} = await import\("([^"]+)"\)\s*return await decodeBase64AsWasm\(wasm\)/;
      const found = loading.exec(source);
      if (found?.[1] !== QUERY_COMPILER_BASE64) {
        throw new Error(`${args.path} no longer loads ${QUERY_COMPILER_BASE64} as scripts/bundle.ts expects: update queryCompilerFromFile`);
      }
      const fromFile =
        `const { readFile } = await import("node:fs/promises")\n` +
        `    return await WebAssembly.compile(await readFile(new URL(${JSON.stringify(`./${QUERY_COMPILER_FILE}`)}, import.meta.url)))`;
      return { contents: source.replace(loading, fromFile), loader: "ts" };
    });
  },
};

export async function bundle(outdir: string): Promise<Metafile> {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["src/cli.ts"],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    // The oldest Node in package.json's engines.
    target: "node20.19",
    // Every output file directly in outdir: src/paths.ts finds the installation's root one folder up.
    chunkNames: "[name]-[hash]",
    external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
    banner: { js: COMMONJS_GLOBALS },
    plugins: [graphqlModuleBuild(), queryCompilerFromFile],
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const { wasm } = (await import(QUERY_COMPILER_BASE64)) as { wasm: string };
  await writeFile(join(outdir, QUERY_COMPILER_FILE), Buffer.from(wasm, "base64"));
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(root, process.argv[2] ?? "dist");
  const metafile = await bundle(outdir);
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith(".js"));
  const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
  console.log(`bundled src/cli.ts into ${outputs.length} files in ${outdir} (${(bytes / 1e6).toFixed(1)} MB)`);
}
