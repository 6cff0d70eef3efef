// Bringing a database up to this build's schema before use: migrate, or (when migrating on start
// is off) refuse to go on while any migration is pending.
import type { Logger } from "../logger.js";
import type { Database } from "./index.js";
import { type Migration, MigrationError, migrate, migrationStatus } from "./migrate.js";

export async function prepareDatabase(db: Database, migrations: Migration[], migrateOnStart: boolean, logger: Logger) {
  if (migrateOnStart) {
    await migrate(db.pool, migrations, {
      onLockWait: () => logger.info("waiting for another process to finish applying migrations"),
      onApplied: (name, ms) => logger.info({ migration: name, ms: Math.round(ms) }, "migration applied"),
    });
    return;
  }
  const { pending } = await migrationStatus(db.pool, migrations);
  if (pending.length > 0) {
    throw new MigrationError(
      `${pending.length} migration(s) pending (${pending.join(", ")}) and GATEHOUSE_MIGRATE_ON_START is false. ` +
        "Run `gatehouse migrate` first.",
      pending[0]!,
    );
  }
}
