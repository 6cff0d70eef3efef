import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { createLogger } from "../logger.js";
import { ALL_OPTIONS, configFlags, withConfigOptions } from "./config-options.js";

export function addServeCommand(program: Command): void {
  withConfigOptions(
    program.command("serve").description("Serve the GraphQL API (with GraphiQL), the OAuth endpoints and health checks."),
    ALL_OPTIONS,
  ).action(async (_options, command: Command) => {
    const config = loadConfig(process.env, configFlags(command, ALL_OPTIONS));
    const logger = createLogger(config.logLevel);
    // Loaded here: the GraphQL stack is the heaviest import, and other commands do not need it.
    const { startServer } = await import("../server.js");
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
}
