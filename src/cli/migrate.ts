import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { openDatabase } from "../db/index.js";
import { migrate, migrationStatus, readMigrations } from "../db/migrate.js";
import { logTemplateLookup } from "../db/template.js";
import { createLogger } from "../logger.js";
import { configFlags, withConfigOptions } from "./config-options.js";

const MIGRATE_OPTIONS = ["databaseUrl", "databasePoolSize", "dataDir", "embeddedTemplate", "logLevel"] as const;

export function addMigrateCommand(program: Command): void {
  withConfigOptions(
    program
      .command("migrate")
      .description("Apply pending database migrations (each in a transaction, under an advisory lock).")
      .option("--status", "only report applied and pending migrations; change nothing"),
    [...MIGRATE_OPTIONS],
  ).action(async (options: { status?: boolean }, command: Command) => {
    const config = loadConfig(process.env, configFlags(command, [...MIGRATE_OPTIONS]));
    const logger = createLogger(config.logLevel, process.stderr);
    const migrations = await readMigrations();
    // `--status` changes nothing: a new folder is not created from the migrated template then.
    const template = { migrations, report: logTemplateLookup(logger) };
    const db = await openDatabase(config.database, options.status ? {} : { template });
    try {
      if (options.status) {
        console.log(JSON.stringify(await migrationStatus(db.pool, migrations), null, 2));
        return;
      }
      const applied = await migrate(db.pool, migrations, {
        onLockWait: () => logger.info("waiting for another process to finish applying migrations"),
      });
      console.log(
        applied.length === 0 ? "Database is up to date." : `Applied ${applied.length} migration(s): ${applied.join(", ")}`,
      );
    } finally {
      await db.close();
    }
  });
}
