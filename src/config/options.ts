// Every configuration option of Gatehouse, declared once: its environment variable, its CLI flag,
// its validation and its documentation. The README's configuration table is checked against this
// list (test/config/readme.test.ts), and `gatehouse serve --help` is generated from it.
import { z } from "zod";

export interface OptionSpec<T> {
  /** Environment variable name. */
  env: string;
  /** Long CLI flag, without dashes (e.g. `data-dir` for `--data-dir`). */
  flag: string;
  /** Placeholder shown in help (`<port>`); absent for boolean switches. */
  valueName?: string;
  description: string;
  /** Shown in the README and in help; the default value is parsed like any other input. */
  defaultValue?: string;
  schema: z.ZodType<T>;
}

function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

const port = z.coerce
  .number({ error: "must be a number" })
  .int("must be an integer")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");

const positiveInt = (max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(1, `must be between 1 and ${max}`)
    .max(max, `must be between 1 and ${max}`);

const booleanText = z.enum(["true", "false", "1", "0", "yes", "no"], {
  error: "must be true or false",
}).transform((text) => ["true", "1", "yes"].includes(text));

const postgresUrl = z
  .string()
  .refine((text) => {
    try {
      return ["postgres:", "postgresql:"].includes(new URL(text).protocol);
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL");

export const optionSpecs = {
  port: option({
    env: "PORT",
    flag: "port",
    valueName: "<port>",
    description: "TCP port of the HTTP server (0 picks a free port).",
    defaultValue: "4000",
    schema: port,
  }),
  host: option({
    env: "HOST",
    flag: "host",
    valueName: "<address>",
    description: "Address the HTTP server listens on. Use 0.0.0.0 to accept remote connections.",
    defaultValue: "127.0.0.1",
    schema: z.string().min(1, "must not be empty"),
  }),
  databaseUrl: option({
    env: "DATABASE_URL",
    flag: "database-url",
    valueName: "<url>",
    description:
      "PostgreSQL connection URL. When set, Gatehouse uses PostgreSQL instead of the embedded database.",
    schema: postgresUrl,
  }),
  databasePoolSize: option({
    env: "DATABASE_POOL_SIZE",
    flag: "database-pool-size",
    valueName: "<n>",
    description: "Maximum number of PostgreSQL connections per process.",
    defaultValue: "10",
    schema: positiveInt(1000),
  }),
  dataDir: option({
    env: "GATEHOUSE_DATA_DIR",
    flag: "data-dir",
    valueName: "<path>",
    description:
      "Folder of the embedded database (PGlite), used when DATABASE_URL is not set. `memory://` keeps it in memory.",
    defaultValue: "./.gatehouse",
    schema: z.string().min(1, "must not be empty"),
  }),
  migrateOnStart: option({
    env: "GATEHOUSE_MIGRATE_ON_START",
    flag: "migrate-on-start",
    valueName: "<bool>",
    description: "Apply pending migrations when the server starts. When false, start-up fails if any is pending.",
    defaultValue: "true",
    schema: booleanText,
  }),
  shutdownTimeoutMs: option({
    env: "GATEHOUSE_SHUTDOWN_TIMEOUT_MS",
    flag: "shutdown-timeout-ms",
    valueName: "<ms>",
    description: "How long a stopping server waits for in-flight requests before closing their connections.",
    defaultValue: "10000",
    schema: positiveInt(600_000),
  }),
  logLevel: option({
    env: "LOG_LEVEL",
    flag: "log-level",
    valueName: "<level>",
    description: "One of fatal, error, warn, info, debug, trace, silent.",
    defaultValue: "info",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    }),
  }),
} as const;

export type OptionKey = keyof typeof optionSpecs;
export type OptionValues = {
  [K in OptionKey]: (typeof optionSpecs)[K] extends OptionSpec<infer T> ? T : never;
};
