// CLI flags for configuration options, generated from the option specs.
import { type Command, Option } from "commander";
import { type ConfigFlags, type OptionKey, optionSpecs } from "../config/index.js";

export const ALL_OPTIONS = Object.keys(optionSpecs) as OptionKey[];

/** What commands that only touch the database and keys need. */
export const DATABASE_OPTIONS: OptionKey[] = [
  "mode",
  "databaseUrl",
  "databasePoolSize",
  "dataDir",
  "embeddedTemplate",
  "migrateOnStart",
  "issuer",
  "secret",
  "signingAlgorithm",
  "managementResource",
  "organizationTokenTtl",
  "organizationAudiencePrefix",
  "port",
  "host",
  "logLevel",
];

/** Adds `--flag` options for config keys; help shows each option's variable and default. */
export function withConfigOptions(command: Command, keys: OptionKey[]): Command {
  for (const key of keys) {
    const spec = optionSpecs[key];
    const option = new Option(`--${spec.flag} ${spec.valueName ?? ""}`.trim(), `${spec.description} [env: ${spec.env}]`);
    if (spec.defaultValue !== undefined) option.default(undefined, spec.defaultValue);
    command.addOption(option);
  }
  return command;
}

export function configFlags(command: Command, keys: OptionKey[]): ConfigFlags {
  const options = command.opts<Record<string, string | undefined>>();
  const flags: ConfigFlags = {};
  for (const key of keys) {
    const attribute = optionSpecs[key].flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    flags[key] = options[attribute];
  }
  return flags;
}
