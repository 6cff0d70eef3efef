// `gatehouse token`: development tokens (development mode only; in production, tokens come from the
// token endpoint only). While a development server runs on the same data folder, the token comes
// from it (`POST /dev/tokens`, with the secret from dev-server.json), so the embedded database it
// holds is not needed here; otherwise this process opens the database and mints the token itself.
import { type Command, Option } from "commander";
import { OAuthError, type OAuthErrorCode } from "../http/oauth/errors.js";
import { type Config, loadConfig } from "../config/index.js";
import {
  DEVELOPMENT_TOKEN_MAX_TTL,
  type DevelopmentToken,
  type DevelopmentTokenRequest,
  mintDevelopmentToken,
} from "../domain/tokens/development.js";
import { GatehouseError } from "../errors.js";
import { DEVELOPMENT_CLIENT, DEVELOPMENT_PATH, DEVELOPMENT_SECRET_HEADER } from "../http/development/access.js";
import { type DevelopmentServer, readDevelopmentServer } from "../http/development/server-file.js";
import { DATABASE_OPTIONS, configFlags, withConfigOptions } from "./config-options.js";
import { withServices } from "./services.js";

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
          "--organization and/or --resource: the token the token endpoint would issue, by the same rules. Prints only " +
          "the token. While `gatehouse serve` runs in development on the same data folder, the token comes from it.",
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
    const request = tokenRequest(options);
    const running = await readDevelopmentServer(config.dataDir);
    const token = (running && (await mintThroughServer(running, request))) ?? (await mintHere(config, request));
    console.log(options.json ? JSON.stringify(token, null, 2) : token.accessToken);
  });
}

/** The development token request the options describe. */
function tokenRequest(options: TokenOptions): DevelopmentTokenRequest {
  const ttl = Number(options.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > DEVELOPMENT_TOKEN_MAX_TTL) {
    throw new GatehouseError("BAD_USER_INPUT", `--ttl must be between 1 and ${DEVELOPMENT_TOKEN_MAX_TTL} seconds`);
  }
  const subjects = [options.management, options.user, options.application].filter(Boolean).length;
  if (subjects !== 1) throw new GatehouseError("BAD_USER_INPUT", "give exactly one of --management, --user, --application");
  const scopes = options.scope?.split(" ").filter(Boolean);
  const amr = options.amr?.split(",").filter(Boolean);
  if (options.management) return { kind: "management", ttl, ...(scopes ? { scopes } : {}) };
  if (!options.organization && !options.resource) {
    if (options.application) throw new GatehouseError("BAD_USER_INPUT", "--application needs --organization or --resource");
    return { kind: "identity", userId: options.user!, ttl, ...(amr ? { amr } : {}) };
  }
  const subject = options.user ? { userId: options.user } : { applicationId: options.application! };
  const rest = { ...(scopes ? { scopes } : {}), ...(amr ? { amr } : {}) };
  return options.organization
    ? { kind: "organization", ...subject, organizationId: options.organization, ...(options.resource ? { resource: options.resource } : {}), ...rest }
    : { kind: "resource", ...subject, resource: options.resource!, ...rest };
}

/**
 * The token from the running server; undefined when nobody answers at its address (a file left by a
 * server that died), so the caller mints it here instead.
 */
async function mintThroughServer(server: DevelopmentServer, request: DevelopmentTokenRequest): Promise<DevelopmentToken | undefined> {
  let response: Response;
  try {
    response = await fetch(`${server.url}${DEVELOPMENT_PATH}/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", [DEVELOPMENT_SECRET_HEADER]: server.secret },
      body: JSON.stringify(request),
    });
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED") return undefined;
    throw error;
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code = (typeof body.error === "string" ? body.error : "server_error") as OAuthErrorCode;
    const description = typeof body.error_description === "string" ? body.error_description : `HTTP ${response.status}`;
    throw new OAuthError(code, `${description} (from the server at ${server.url})`);
  }
  return {
    accessToken: String(body.access_token),
    expiresIn: Number(body.expires_in),
    scope: String(body.scope ?? "").split(" ").filter(Boolean),
    audience: String(body.audience),
  };
}

function mintHere(config: Config, request: DevelopmentTokenRequest): Promise<DevelopmentToken> {
  return withServices(config, (services) =>
    mintDevelopmentToken(
      {
        prisma: services.db.prisma,
        tokens: services.tokens,
        managementResource: config.tokens.managementResource,
        clientId: DEVELOPMENT_CLIENT,
      },
      request,
    ),
  );
}
