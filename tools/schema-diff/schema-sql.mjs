#!/usr/bin/env node
// Prints the SQL that creates, from nothing, the database described by a Prisma 7 schema.
//
//   node tools/schema-diff/schema-sql.mjs prisma/schema.prisma > schema.sql
//
// Prisma 7 can only diff through its native schema engine, which cannot be downloaded here.
// Prisma 6.19's CLI runs its WASM engine instead; it wants the datasource `url` that Prisma 7
// forbids, so the schema is copied with one added and the generators removed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const schemaPath = resolve(process.argv[2] ?? "prisma/schema.prisma");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");

const schema = readFileSync(schemaPath, "utf8")
  .replace(/generator\s+\w+\s*\{[^}]*\}/g, "")
  .replace(/(datasource\s+\w+\s*\{)/, '$1\n  url = "postgresql://unused"');

const dir = mkdtempSync(join(tmpdir(), "gatehouse-schema-sql-"));
try {
  const copy = join(dir, "schema.prisma");
  writeFileSync(copy, schema);
  const sql = execFileSync(
    process.execPath,
    [prismaCli, "migrate", "diff", "--config", join(here, "prisma.config.mjs"),
      "--from-empty", "--to-schema-datamodel", copy, "--script"],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        // Present but never executed with the "js" engine; they only stop the CLI's download.
        PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
      },
    },
  );
  process.stdout.write(sql);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
