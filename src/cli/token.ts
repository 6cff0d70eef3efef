// `gatehouse token`: development tokens, minted by this process with the active signing key.
// Refused outside development mode: in production, tokens come from the token endpoint only.
import { type Command, Option } from "commander";
import { DEVELOPMENT_TOKEN_MAX_TTL } from "../auth/services.js";
import { loadConfig } from "../config/index.js";
import { GatehouseError } from "../errors.js";
import { IDENTITY_AUDIENCE } from "../domain/users.js";
import { DATABASE_OPTIONS, configFlags, withConfigOptions } from "./config-options.js";
import { withServices } from "./services.js";

const CLI_CLIENT = "gatehouse-cli";

interface TokenOptions {
  management?: boolean;
  user?: string;
  application?: string;
  organization?: string;
  resource?: string;
  scope?: string;
  amr?: string;
  ttl: string;
  json?: boolean;
}

export function addTokenCommand(program: Command): void {
  withConfigOptions(
    program
      .command("token")
      .description(
        "Mint a development token (development mode only). --management: a management token. --user alone: an " +
          "identity token for the user (to exchange at /oauth/token, or for the viewer). --user or --application with " +
          "--organization and/or --resource: the token the token endpoint would issue, by the same rules.",
      )
      .option("--management", "a management token (scopes from --scope, default `all`)")
      .option("--user <id-or-email>", "the user the token is for")
      .option("--application <id>", "the M2M application the token is for (with --organization or --resource)")
      .option("--organization <id>", "an organization token for this organization")
      .option("--resource <indicator>", "an API token for this resource")
      .option("--scope <scopes>", "space-separated scopes to request (default: everything granted)")
      .option("--amr <methods>", "comma-separated authentication methods for an identity token, e.g. pwd,otp")
      .addOption(new Option("--ttl <seconds>", "lifetime of management and identity tokens").default("3600"))
      .option("--json", "print the token with its details as JSON"),
    DATABASE_OPTIONS,
  ).action(async (options: TokenOptions, command: Command) => {
    const config = loadConfig(process.env, configFlags(command, DATABASE_OPTIONS));
    if (config.mode !== "development") {
      throw new GatehouseError("FORBIDDEN", "development tokens are disabled: GATEHOUSE_MODE is production");
    }
    const ttl = Number(options.ttl);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > DEVELOPMENT_TOKEN_MAX_TTL) {
      throw new GatehouseError("BAD_USER_INPUT", `--ttl must be between 1 and ${DEVELOPMENT_TOKEN_MAX_TTL} seconds`);
    }
    const subjects = [options.management, options.user, options.application].filter(Boolean).length;
    if (subjects !== 1) throw new GatehouseError("BAD_USER_INPUT", "give exactly one of --management, --user, --application");
    const scope = options.scope?.split(" ").filter(Boolean);

    await withServices(config, async (services) => {
      const { prisma } = services.db;
      let token: { accessToken: string; scope: string[]; audience: string; expiresIn: number };
      if (options.management) {
        const scopes = scope ?? ["all"];
        const audience = config.tokens.managementResource;
        const claims = { sub: CLI_CLIENT, client_id: CLI_CLIENT, aud: audience, scope: scopes.join(" ") };
        token = { accessToken: await services.tokens.sign(claims, ttl), scope: scopes, audience, expiresIn: ttl };
      } else if (options.user && !options.organization && !options.resource) {
        const user = await findUser(prisma, options.user);
        const amr = options.amr?.split(",").filter(Boolean);
        const claims = { sub: user.id, client_id: CLI_CLIENT, aud: IDENTITY_AUDIENCE, scope: "", ...(amr ? { amr } : {}) };
        token = { accessToken: await services.tokens.sign(claims, ttl), scope: [], audience: IDENTITY_AUDIENCE, expiresIn: ttl };
      } else {
        const subject = options.user
          ? ({ type: "user", id: (await findUser(prisma, options.user)).id } as const)
          : ({ type: "application", id: options.application! } as const);
        token = await services.tokens.issue({
          subject,
          clientId: subject.type === "application" ? subject.id : CLI_CLIENT,
          ...(options.organization ? { organizationId: options.organization } : {}),
          ...(options.resource ? { resource: options.resource } : {}),
          ...(scope ? { scope } : {}),
          ...(options.amr ? { amr: options.amr.split(",") } : {}),
        });
      }
      console.log(options.json ? JSON.stringify(token, null, 2) : token.accessToken);
    });
  });
}

async function findUser(prisma: import("../db/index.js").PrismaClient, idOrEmail: string) {
  const user = await prisma.user.findFirst({ where: { OR: [{ id: idOrEmail }, { primaryEmail: idOrEmail }] } });
  if (!user) throw new GatehouseError("NOT_FOUND", `no user with id or email ${idOrEmail}`);
  return user;
}
