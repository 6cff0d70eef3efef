// Prisma CLI configuration.
//
// Gatehouse applies its own SQL migrations (src/db/migrate.ts), so the CLI is used only for
// `generate`, `validate` and `format`. Those never run Prisma's native schema engine, but the CLI
// insists on finding one before any command, and it cannot be downloaded offline: pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies the check. It is scoped to those
// commands so that any other command fails with Prisma's own clear message instead.
import { defineConfig } from "prisma/config";

const command = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
if (command && ["generate", "validate", "format", "version"].includes(command)) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
