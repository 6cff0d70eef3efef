import module from "node:module";
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
    useCompileCache();
    // Loaded here: the GraphQL stack is the heaviest import, and other commands do not need it.
    const { startServer } = await import("../server.js");
    const running = await startServer(config, logger);
    (module as CompileCache).flushCompileCache?.();
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

/** Node 22.1+ only (`module.enableCompileCache`); @types/node 20 does not declare it. */
interface CompileCache {
  enableCompileCache?: (directory?: string) => unknown;
  flushCompileCache?: () => void;
}

/**
 * V8's compiled code of every module loaded from here on (the GraphQL stack, the bulk of what a start
 * loads), kept in Node's compile-cache folder (NODE_COMPILE_CACHE, else `node-compile-cache` in the
 * system's temporary folder), so a restart reads it instead of compiling the modules again:
 * compiling them was about a quarter of a restart's CPU. Node checks each entry against its module's
 * source, so a new build recompiles what changed. Not in the data folder: start-up must not create
 * that folder before it has found the port free (test/cli/operator-errors.test.ts), and a server on
 * PostgreSQL has no use for it. Node 20 has no such cache (nothing happens there);
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
function useCompileCache(): void {
  (module as CompileCache).enableCompileCache?.();
}
