// Commands that work on the database and keys without serving: open, migrate, run, close.
import { type AuthServices, createAuthServices } from "../auth/services.js";
import type { Config } from "../config/index.js";
import { openDatabase } from "../db/index.js";
import { readMigrations } from "../db/migrate.js";
import { prepareDatabase } from "../db/prepare.js";
import { logTemplateLookup } from "../db/template.js";
import { createLogger, type Logger } from "../logger.js";
import { localUrl } from "../http/url.js";

export async function withServices<T>(config: Config, work: (services: AuthServices, logger: Logger) => Promise<T>): Promise<T> {
  // Logs go to standard error: standard output carries the command's result.
  const logger = createLogger(config.logLevel, process.stderr);
  const migrations = await readMigrations();
  const template = { migrations, report: logTemplateLookup(logger) };
  const db = await openDatabase(config.database, config.migrateOnStart ? { template } : {});
  try {
    await prepareDatabase(db, migrations, config.migrateOnStart, logger);
    const services = await createAuthServices({
      config,
      db,
      logger,
      issuer: () => localUrl(config.server.host, config.server.port),
    });
    return await work(services, logger);
  } finally {
    await db.close();
  }
}
