// The one configuration loader: environment variables, overridden by CLI flags, validated at once.
// A bad value stops start-up with a message naming the variable (or flag) and what is wrong.
import { resolve } from "node:path";
import { type OptionKey, type OptionValues, optionSpecs } from "./options.js";

export { optionSpecs } from "./options.js";
export type { OptionKey, OptionSpec } from "./options.js";

export type DatabaseConfig =
  | { kind: "embedded"; dataDir: string }
  | { kind: "postgres"; url: string; poolSize: number };

export interface Config {
  server: { host: string; port: number; shutdownTimeoutMs: number };
  database: DatabaseConfig;
  migrateOnStart: boolean;
  logLevel: OptionValues["logLevel"];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export type ConfigFlags = Partial<Record<OptionKey, string | boolean | number | undefined>>;

/**
 * Reads every option from `flags` (CLI) first, then `env`, then its default, and validates it.
 * Throws a ConfigError that lists every invalid option.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigFlags = {}): Config {
  const problems: string[] = [];
  const values: Partial<Record<OptionKey, unknown>> = {};

  for (const key of Object.keys(optionSpecs) as OptionKey[]) {
    const spec = optionSpecs[key];
    const fromFlag = flags[key];
    const raw = fromFlag !== undefined ? String(fromFlag) : (env[spec.env] ?? spec.defaultValue);
    if (raw === undefined || raw === "") continue;
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const source = fromFlag !== undefined ? `--${spec.flag}` : spec.env;
      const message = parsed.error.issues[0]?.message ?? "is invalid";
      problems.push(`${source} ${message} (got ${JSON.stringify(raw)})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const v = values as OptionValues;
  return {
    server: { host: v.host, port: v.port, shutdownTimeoutMs: v.shutdownTimeoutMs },
    database: v.databaseUrl
      ? { kind: "postgres", url: v.databaseUrl, poolSize: v.databasePoolSize }
      : { kind: "embedded", dataDir: normalizeDataDir(v.dataDir) },
    migrateOnStart: v.migrateOnStart,
    logLevel: v.logLevel,
  };
}

function normalizeDataDir(dataDir: string): string {
  return dataDir.startsWith("memory://") ? dataDir : resolve(dataDir);
}
