import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { bootstrap } from "../domain/bootstrap.js";
import { seedTemplate } from "../domain/seed.js";
import { TOKEN_PATH } from "../http/oauth/metadata.js";
import { DATABASE_OPTIONS, configFlags, withConfigOptions } from "./config-options.js";
import { withServices } from "./services.js";

export function addBootstrapCommand(program: Command): void {
  withConfigOptions(
    program
      .command("bootstrap")
      .description(
        "Create (once) the management API resource, a global M2M role with every management scope, and an admin " +
          "M2M application holding it. Prints the application's credentials; the secret only when it is created.",
      )
      .option("--json", "print the result as JSON")
      .option("--no-template", "do not create the default organization template (see `gatehouse seed`)"),
    DATABASE_OPTIONS,
  ).action(async (options: { json?: boolean; template: boolean }, command: Command) => {
    const config = loadConfig(process.env, configFlags(command, DATABASE_OPTIONS));
    await withServices(config, async (services) => {
      const result = await bootstrap(services.db.prisma, config.tokens.managementResource);
      if (options.template) await seedTemplate({ prisma: services.db.prisma, actor: "cli" });
      const issuer = services.issuer();
      const output = {
        issuer,
        tokenEndpoint: `${issuer}${TOKEN_PATH}`,
        managementResource: result.managementResource,
        clientId: result.clientId,
        ...(result.clientSecret ? { clientSecret: result.clientSecret } : {}),
      };
      if (options.json) {
        console.log(JSON.stringify(output, null, 2));
        return;
      }
      console.log(`Issuer:              ${output.issuer}`);
      console.log(`Token endpoint:      ${output.tokenEndpoint}`);
      console.log(`Management resource: ${output.managementResource}`);
      console.log(`Client id:           ${output.clientId}`);
      console.log(
        result.clientSecret
          ? `Client secret:       ${result.clientSecret}\n\nStore the secret now: it is not shown again.`
          : "Client secret:       (already created; not shown again)",
      );
    });
  });
}
