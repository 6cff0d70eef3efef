import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { recordAudit } from "../domain/audit.js";
import { DATABASE_OPTIONS, configFlags, withConfigOptions } from "./config-options.js";
import { withServices } from "./services.js";

export function addKeysCommand(program: Command): void {
  const keys = program.command("keys").description("Manage token-signing keys.");

  withConfigOptions(
    keys
      .command("rotate")
      .description(
        "Create a new signing key and retire the current one. Retired keys stay in the JWKS until every token they " +
          "signed has expired; older retired keys are deleted.",
      ),
    DATABASE_OPTIONS,
  ).action(async (_options, command: Command) => {
    const config = loadConfig(process.env, configFlags(command, DATABASE_OPTIONS));
    await withServices(config, async (services) => {
      const kid = await services.keys.rotate();
      await services.db.prisma.$transaction((tx) => recordAudit(tx, { actor: "cli", action: "signing_key.rotated", targetId: kid, data: {} }));
      console.log(`New signing key: ${kid}`);
    });
  });

  withConfigOptions(keys.command("list").description("List the signing keys (public data only)."), DATABASE_OPTIONS).action(
    async (_options, command: Command) => {
      const config = loadConfig(process.env, configFlags(command, DATABASE_OPTIONS));
      await withServices(config, async (services) => {
        const rows = await services.db.prisma.signingKey.findMany({
          orderBy: [{ createdAt: "desc" }, { kid: "desc" }],
          select: { kid: true, algorithm: true, status: true, createdAt: true, retiredAt: true },
        });
        console.log(JSON.stringify(rows, null, 2));
      });
    },
  );
}
