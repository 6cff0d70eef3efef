import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { createLogger } from "../logger.js";
import { ALL_OPTIONS, configFlags, withConfigOptions } from "./config-options.js";

export function addServeCommand(program: Command): void {
  withConfigOptions(
    program
      .command("serve")
      .description(
        "Serve the GraphQL API (with GraphiQL), the OAuth endpoints and health checks. In development mode, also " +
          "bootstrap the admin application and the organization template, add demo data, and print where to start.",
      )
      .option("--no-demo", "development mode: do not add the demo organizations and users"),
    ALL_OPTIONS,
  ).action(async (options: { demo: boolean }, command: Command) => {
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
    if (config.mode === "development") {
      const { preparePlayground, playgroundBanner } = await import("./playground.js");
      // Replicas sharing one PostgreSQL database race to create the same rows: the loser of a
      // unique-key race finds them all on its second try (every step is idempotent).
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        try {
          process.stdout.write(playgroundBanner(await preparePlayground(config, running, { demo: options.demo })));
          break;
        } catch (error) {
          // Stopped while preparing: the signal's stop ends the process.
          if (signals > 0) return;
          // A development convenience never takes the server down: it says why and keeps serving.
          if (attempt === 2) logger.warn({ err: error }, "the development playground (admin application, demo data) could not be prepared");
        }
      }
    }
  });
}
