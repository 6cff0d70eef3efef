#!/usr/bin/env node
// The `gatehouse` command line.
import { writeFile } from "node:fs/promises";
import { printSubgraphSchema } from "@apollo/subgraph";
import { Command, Option } from "commander";
import { type ConfigFlags, ConfigError, type OptionKey, loadConfig, optionSpecs } from "./config/index.js";
import { openDatabase } from "./db/index.js";
import { DataDirLockedError } from "./db/embedded.js";
import { MigrationError, migrate, migrationStatus, readMigrations } from "./db/migrate.js";
import { buildSchema } from "./graphql/schema/index.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";
import { version } from "./version.js";

const DATABASE_OPTIONS: OptionKey[] = ["databaseUrl", "databasePoolSize", "dataDir", "logLevel"];

/** Adds `--flag` options for config keys; help shows each option's variable and default. */
function withConfigOptions(command: Command, keys: OptionKey[]): Command {
  for (const key of keys) {
    const spec = optionSpecs[key];
    const option = new Option(`--${spec.flag} ${spec.valueName ?? ""}`.trim(), `${spec.description} [env: ${spec.env}]`);
    if (spec.defaultValue !== undefined) option.default(undefined, spec.defaultValue);
    command.addOption(option);
  }
  return command;
}

function configFlags(command: Command, keys: OptionKey[]): ConfigFlags {
  const options = command.opts<Record<string, string | undefined>>();
  const flags: ConfigFlags = {};
  for (const key of keys) {
    const attribute = optionSpecs[key].flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    flags[key] = options[attribute];
  }
  return flags;
}

export function createProgram(): Command {
  const program = new Command("gatehouse")
    .description("Gatehouse: the GraphQL authorization gateway for multi-tenant SaaS.")
    .version(version)
    .showHelpAfterError();

  const serveKeys = Object.keys(optionSpecs) as OptionKey[];
  withConfigOptions(
    program.command("serve").description("Serve the GraphQL API, GraphiQL and health endpoints."),
    serveKeys,
  ).action(async (_options, command: Command) => {
    const config = loadConfig(process.env, configFlags(command, serveKeys));
    const logger = createLogger(config.logLevel);
    const running = await startServer(config, logger);
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        logger.warn({ signal }, "second signal: exiting at once");
        process.exit(1);
      }
      logger.info({ signal }, "signal received");
      running.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "error while stopping");
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });

  withConfigOptions(
    program
      .command("migrate")
      .description("Apply pending database migrations (each in a transaction, under an advisory lock).")
      .option("--status", "only report applied and pending migrations; change nothing"),
    DATABASE_OPTIONS,
  ).action(async (options: { status?: boolean }, command: Command) => {
    const config = loadConfig(process.env, configFlags(command, DATABASE_OPTIONS));
    const logger = createLogger(config.logLevel);
    const db = await openDatabase(config.database);
    try {
      const migrations = await readMigrations();
      if (options.status) {
        const status = await migrationStatus(db.pool, migrations);
        console.log(JSON.stringify(status, null, 2));
        return;
      }
      const applied = await migrate(db.pool, migrations, {
        onLockWait: () => logger.info("waiting for another process to finish applying migrations"),
      });
      console.log(
        applied.length === 0
          ? "Database is up to date."
          : `Applied ${applied.length} migration(s): ${applied.join(", ")}`,
      );
    } finally {
      await db.close();
    }
  });

  program
    .command("print-schema")
    .description("Print the GraphQL schema (federation subgraph SDL, with its directives).")
    .option("-o, --output <file>", "write to a file instead of standard output")
    .action(async (options: { output?: string }) => {
      const sdl = `${printSubgraphSchema(buildSchema())}\n`;
      if (options.output) await writeFile(options.output, sdl);
      else process.stdout.write(sdl);
    });

  return program;
}

/** Errors a user can act on get a one-line message; anything else is a bug and shows its stack. */
function report(error: unknown): number {
  if (error instanceof ConfigError) {
    console.error(`gatehouse: ${error.message}`);
    return 2;
  }
  if (error instanceof MigrationError || error instanceof DataDirLockedError) {
    console.error(`gatehouse: ${error.message}`);
    return 1;
  }
  console.error("gatehouse: unexpected error:", error);
  return 1;
}

createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.exitCode = report(error);
  });
