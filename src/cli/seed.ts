import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { seedTemplate } from "../domain/seed.js";
import { DATABASE_OPTIONS, configFlags, withConfigOptions } from "./config-options.js";
import { withServices } from "./services.js";

export function addSeedCommand(program: Command): void {
  withConfigOptions(
    program
      .command("seed")
      .description(
        "Create the default organization template (the permissions Gatehouse's organization operations check, and " +
          "roles admin, member, viewer) where missing. Existing roles are left as they are.",
      )
      .option("--demo", "also create demo organizations, users and memberships (development mode only)"),
    DATABASE_OPTIONS,
  ).action(async (options: { demo?: boolean }, command: Command) => {
    const config = loadConfig(process.env, configFlags(command, DATABASE_OPTIONS));
    await withServices(config, async (services) => {
      const context = { prisma: services.db.prisma, actor: "cli" };
      const result = await seedTemplate(context);
      console.log(
        `Template: ${result.createdPermissions.length} permission(s) and ${result.createdRoles.length} role(s) created` +
          (result.createdRoles.length ? ` (${result.createdRoles.join(", ")})` : ""),
      );
      if (options.demo) {
        if (config.mode !== "development") throw new Error("--demo needs development mode");
        // Development-only: loaded here, so the `gatehouse` command (a production serve) never loads it.
        const { seedDemo } = await import("../domain/demo.js");
        const demo = await seedDemo(context);
        console.log(`Demo: ${demo.organizations} organization(s), ${demo.users} user(s)`);
      }
    });
  });
}
