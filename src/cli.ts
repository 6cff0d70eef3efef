#!/usr/bin/env node
// The `gatehouse` command line.
import { writeFile } from "node:fs/promises";
import { Command } from "commander";
import { oauthErrorOf } from "./http/oauth/errors.js";
import { addBootstrapCommand } from "./cli/bootstrap.js";
import { addBuildTemplateCommand } from "./cli/build-template.js";
import { addKeysCommand } from "./cli/keys.js";
import { addMigrateCommand } from "./cli/migrate.js";
import { addSeedCommand } from "./cli/seed.js";
import { addServeCommand } from "./cli/serve.js";
import { addTokenCommand } from "./cli/token.js";
import { ConfigError } from "./config/index.js";
import { GatehouseError, OperatorError } from "./errors.js";
import { version } from "./version.js";

function createProgram(): Command {
  const program = new Command("gatehouse")
    .description("Gatehouse: the GraphQL authorization gateway for multi-tenant SaaS.")
    .version(version)
    .showHelpAfterError();

  addServeCommand(program);
  addMigrateCommand(program);
  addBootstrapCommand(program);
  addSeedCommand(program);
  addTokenCommand(program);
  addKeysCommand(program);
  addBuildTemplateCommand(program);
  program
    .command("print-schema")
    .description("Print the GraphQL schema (federation subgraph SDL, with its directives).")
    .option("-o, --output <file>", "write to a file instead of standard output")
    .action(async (options: { output?: string }) => {
      const { buildSchema, printSubgraphSdl } = await import("./graphql/schema/index.js");
      const sdl = `${printSubgraphSdl(buildSchema())}\n`;
      if (options.output) await writeFile(options.output, sdl);
      else process.stdout.write(sdl);
    });
  return program;
}

/** Errors an operator can act on get a one-line message; anything else is a bug and shows its stack. */
function report(error: unknown): number {
  if (error instanceof ConfigError) {
    console.error(`gatehouse: ${error.message}`);
    return 2;
  }
  // An operator's error first: it names the option or the URL (an unreachable database at start-up
  // is an OperatorError that oauthErrorOf would also claim, with less to say).
  if (error instanceof OperatorError || error instanceof GatehouseError) {
    console.error(`gatehouse: ${error.message}`);
    return 1;
  }
  const oauthError = oauthErrorOf(error);
  if (oauthError) {
    console.error(`gatehouse: ${oauthError.code}: ${oauthError.description}`);
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
