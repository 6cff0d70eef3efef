// `npm run build`'s server build: src/cli.ts and what it imports, dependencies included, bundled by
// esbuild into dist/ (dist/cli.js is the `gatehouse` command). A start then reads a few files instead
// of hundreds from node_modules: finding, reading and linking modules was the largest part of a
// start (docs/performance.md, "Start"). Code loaded by a dynamic import (the server for `serve`, the
// development playground, each command's work) stays in chunks of its own, loaded only when used.
// Usage: tsx scripts/bundle.ts [outdir]   (default dist; the folder is emptied first)
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
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
    plugins: [graphqlModuleBuild()],
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(root, process.argv[2] ?? "dist");
  const metafile = await bundle(outdir);
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith(".js"));
  const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
  console.log(`bundled src/cli.ts into ${outputs.length} files in ${outdir} (${(bytes / 1e6).toFixed(1)} MB)`);
}
