// Layers point one way (docs/architecture.md): the table in that document is the rule, and this
// test reads it and every import in src/. TypeScript's own pre-processor finds the imports
// (static, dynamic, `import type`, re-exports), so no regular expression guesses at syntax.
import { readFileSync, readdirSync } from "node:fs";
import { join, posix, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

interface Layer {
  name: string;
  /** `src/…/` folders (ending in `/`) and `src/….ts` files. */
  paths: string[];
  mayImport: Set<string>;
}

/** The layer table between the `layers:begin` and `layers:end` markers of docs/architecture.md. */
export function parseLayerTable(markdown: string): Layer[] {
  const table = /<!-- layers:begin -->([\s\S]*?)<!-- layers:end -->/.exec(markdown)?.[1];
  if (!table) throw new Error("docs/architecture.md has no layer table between its markers");
  const rows = table
    .trim()
    .split("\n")
    .slice(2)
    .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
  return rows.map(([name, paths, mayImport]) => ({
    name: name!,
    paths: [...paths!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!),
    mayImport: new Set(mayImport!.split(",").map((layer) => layer.trim()).filter(Boolean)),
  }));
}

function layerOf(layers: Layer[], file: string): Layer | undefined {
  return layers.find((layer) => layer.paths.some((path) => (path.endsWith("/") ? file.startsWith(path) : file === path)));
}

/** Every import of the files (path → source) that goes against the table, as readable lines. */
export function violations(layers: Layer[], files: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [file, source] of files) {
    const from = layerOf(layers, file);
    if (!from) {
      found.push(`${file} belongs to no layer of docs/architecture.md`);
      continue;
    }
    for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!specifier.startsWith(".")) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, ".ts");
      const to = layerOf(layers, target);
      if (!to) found.push(`${file} imports ${specifier}, which belongs to no layer`);
      else if (to !== from && !from.mayImport.has(to.name)) found.push(`${file} (${from.name}) imports ${specifier} (${to.name})`);
    }
  }
  return found;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

const layers = parseLayerTable(readFileSync(join(root, "docs/architecture.md"), "utf8"));

describe("layers", () => {
  it("the table names every layer it allows, and the four the rule is about", () => {
    const names = new Set(layers.map((layer) => layer.name));
    for (const layer of layers) for (const allowed of layer.mayImport) expect(names).toContain(allowed);
    for (const name of ["http", "graphql", "auth", "domain", "db"]) expect(names).toContain(name);
  });

  it("no file in src/ imports against the direction of docs/architecture.md", () => {
    const files = new Map(sourceFiles("src").map((file) => [file, readFileSync(join(root, file), "utf8")]));
    expect(files.size).toBeGreaterThan(50);
    expect(violations(layers, files)).toEqual([]);
  });

  it.each([
    ["src/domain/tokens/x.ts", 'import { TokenVerifier } from "../../auth/verify.js";', "src/domain/tokens/x.ts (domain) imports ../../auth/verify.js (auth)"],
    ["src/domain/x.ts", 'import type { Context } from "../graphql/context.js";', "src/domain/x.ts (domain) imports ../graphql/context.js (graphql)"],
    ["src/auth/x.ts", 'export { OAuthError } from "../http/oauth/errors.js";', "src/auth/x.ts (auth) imports ../http/oauth/errors.js (http)"],
    ["src/db/x.ts", 'const m = await import("../domain/audit.js");', "src/db/x.ts (db) imports ../domain/audit.js (domain)"],
    ["src/graphql/x.ts", 'import { createApp } from "../http/app.js";', "src/graphql/x.ts (graphql) imports ../http/app.js (http)"],
    ["src/stray.ts", "export const x = 1;", "src/stray.ts belongs to no layer of docs/architecture.md"],
  ])("catches a synthetic violation: %s", (file, source, message) => {
    expect(violations(layers, new Map([[file, source]]))).toEqual([message]);
  });

  it("accepts imports that follow the direction", () => {
    const files = new Map([
      ["src/http/x.ts", 'import { a } from "../auth/verify.js";\nimport { b } from "../domain/audit.js";\nimport { c } from "./oauth/errors.js";'],
      ["src/domain/x.ts", 'import type { PrismaClient } from "../db/index.js";\nimport { GatehouseError } from "../errors.js";'],
    ]);
    expect(violations(layers, files)).toEqual([]);
  });
});

