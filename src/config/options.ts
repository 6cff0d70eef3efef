// Every configuration option of Gatehouse, declared once: its environment variable, its CLI flag,
// its validation and its documentation. The README's configuration table is checked against this
// list (test/config/readme.test.ts), and `gatehouse serve --help` is generated from it.
import ipaddr from "ipaddr.js";
import { z } from "zod";

export interface OptionSpec<T> {
  /** Environment variable name. */
  env: string;
  /** Long CLI flag, without dashes (e.g. `data-dir` for `--data-dir`). */
  flag: string;
  /** Placeholder shown in help (`<port>`); absent for boolean switches. */
  valueName?: string;
  description: string;
  /** Shown in the README and in help; the default value is parsed like any other input. */
  defaultValue?: string;
  /** A credential: error messages never show its value. */
  secret?: boolean;
  schema: z.ZodType<T>;
}

function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

const port = z.coerce
  .number({ error: "must be a number" })
  .int("must be an integer")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");

const integerBetween = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

const positiveInt = (max: number) => integerBetween(1, max);

/** `<requests>/<seconds>`: a rate limit's allowance and window. */
const rate = z
  .string()
  .regex(/^\d+\/\d+$/, "must be <requests>/<seconds>, e.g. 20/60")
  .transform((text) => {
    const [points, seconds] = text.split("/").map(Number) as [number, number];
    return { points, seconds };
  })
  .refine(({ points, seconds }) => points >= 1 && seconds >= 1 && seconds <= 86_400, "needs at least 1 request per 1 to 86400 seconds");

const booleanText = z.enum(["true", "false", "1", "0", "yes", "no"], {
  error: "must be true or false",
}).transform((text) => ["true", "1", "yes"].includes(text));

const postgresUrl = z
  .string()
  .refine((text) => {
    try {
      return ["postgres:", "postgresql:"].includes(new URL(text).protocol);
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL");

const httpUrl = z.string().refine((text) => {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}, "must be an http:// or https:// URL");

const secretList = z
  .string()
  .transform((text) => text.split(",").map((part) => part.trim()).filter(Boolean))
  .superRefine((secrets, context) => {
    if (secrets.length === 0) context.addIssue({ code: "custom", message: "must hold at least one secret" });
    // Says which one is short by its position and length only: never a secret's text, nor a valid one's.
    secrets.forEach((secret, index) => {
      if (secret.length < 32) {
        const which = secrets.length === 1 ? "the secret" : `secret ${index + 1} of ${secrets.length}`;
        context.addIssue({ code: "custom", message: `must have 32+ characters in each secret; ${which} has ${secret.length}` });
      }
    });
  });

const trustedIssuer = z
  .object({
    issuer: httpUrl,
    discoveryUrl: httpUrl.optional(),
    jwksUri: httpUrl.optional(),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    algorithms: z
      .array(z.enum(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]))
      .min(1)
      .default(["RS256", "ES256", "EdDSA"]),
    createUsers: z.boolean().default(false),
    trustEmail: z.boolean().default(false),
  })
  .strict();

const trustedIssuers = z.string().transform((text, context) => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    context.addIssue({ code: "custom", message: `is not valid JSON (${(error as SyntaxError).message})` });
    return z.NEVER;
  }
  const parsed = z.array(trustedIssuer).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    context.addIssue({ code: "custom", message: `is invalid at ${issue.path.join(".") || "(root)"}: ${issue.message}` });
    return z.NEVER;
  }
  return parsed.data;
});

/** `*`, or a list of origins exactly as browsers send them: scheme, host and port, no path. */
const corsOrigins = z.string().transform((text, context): "*" | string[] => {
  const origins = text.split(",").map((part) => part.trim()).filter(Boolean);
  if (origins.length === 1 && origins[0] === "*") return "*";
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !["http:", "https:"].includes(parsed.protocol) || parsed.origin !== origin) {
      context.addIssue({ code: "custom", message: `must be \`*\` or origins like https://app.example.com (no path, no trailing slash); ${JSON.stringify(origin)} is not one` });
      return z.NEVER;
    }
  }
  return origins;
});

const seconds = (max: number) => positiveInt(max);

/** Addresses or CIDR blocks (`10.0.0.0/8`, `127.0.0.1`, `fd00::/8`), comma-separated. */
const networks = z.string().transform((text, context): string[] => {
  const entries = text.split(",").map((part) => part.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!isNetwork(entry)) {
      context.addIssue({ code: "custom", message: `must be IP addresses or CIDR blocks such as 10.0.0.0/8; ${JSON.stringify(entry)} is not one` });
      return z.NEVER;
    }
  }
  return entries;
});

function isNetwork(entry: string): boolean {
  if (ipaddr.isValid(entry)) return true;
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

export const optionSpecs = {
  mode: option({
    env: "GATEHOUSE_MODE",
    flag: "mode",
    valueName: "<mode>",
    description:
      "`development` (auto-generated secret, development tokens, GraphiQL, introspection) or `production`. Defaults to production when NODE_ENV=production.",
    schema: z.enum(["development", "production"], { error: "must be development or production" }),
  }),
  port: option({
    env: "PORT",
    flag: "port",
    valueName: "<port>",
    description: "TCP port of the HTTP server (0 picks a free port).",
    defaultValue: "4000",
    schema: port,
  }),
  host: option({
    env: "HOST",
    flag: "host",
    valueName: "<address>",
    description: "Address the HTTP server listens on. Use 0.0.0.0 to accept remote connections.",
    defaultValue: "127.0.0.1",
    schema: z.string().min(1, "must not be empty"),
  }),
  databaseUrl: option({
    env: "DATABASE_URL",
    flag: "database-url",
    valueName: "<url>",
    description:
      "PostgreSQL connection URL. When set, Gatehouse uses PostgreSQL instead of the embedded database.",
    schema: postgresUrl,
  }),
  databasePoolSize: option({
    env: "DATABASE_POOL_SIZE",
    flag: "database-pool-size",
    valueName: "<n>",
    description: "Maximum pooled PostgreSQL connections per process (plus one that listens for changes).",
    defaultValue: "10",
    schema: positiveInt(1000),
  }),
  dataDir: option({
    env: "GATEHOUSE_DATA_DIR",
    flag: "data-dir",
    valueName: "<path>",
    description:
      "Folder of the embedded database (PGlite), used when DATABASE_URL is not set. `memory://` keeps it in memory.",
    defaultValue: "./.gatehouse",
    schema: z.string().min(1, "must not be empty"),
  }),
  embeddedTemplate: option({
    env: "GATEHOUSE_EMBEDDED_TEMPLATE",
    flag: "embedded-template",
    valueName: "<path>",
    description:
      "Folder of the migrated template a new embedded data folder is created from (`gatehouse build-template`). " +
      "Unset: the one `npm run build` writes, `embedded-template/` in the installation.",
    schema: z.string().min(1, "must not be empty"),
  }),
  migrateOnStart: option({
    env: "GATEHOUSE_MIGRATE_ON_START",
    flag: "migrate-on-start",
    valueName: "<bool>",
    description: "Apply pending migrations when the server starts. When false, start-up fails if any is pending.",
    defaultValue: "true",
    schema: booleanText,
  }),
  shutdownTimeoutMs: option({
    env: "GATEHOUSE_SHUTDOWN_TIMEOUT_MS",
    flag: "shutdown-timeout-ms",
    valueName: "<ms>",
    description: "How long a stopping server waits for in-flight requests before closing their connections.",
    defaultValue: "10000",
    schema: positiveInt(600_000),
  }),
  maxBodyBytes: option({
    env: "GATEHOUSE_MAX_BODY_BYTES",
    flag: "max-body-bytes",
    valueName: "<bytes>",
    description: "Largest request body accepted; a larger one gets HTTP 413 before it is read.",
    defaultValue: "1048576",
    schema: positiveInt(100 * 1024 * 1024),
  }),
  headersTimeoutMs: option({
    env: "GATEHOUSE_HEADERS_TIMEOUT_MS",
    flag: "headers-timeout-ms",
    valueName: "<ms>",
    description: "A client must send a request's headers within this time of starting it, else the connection is closed (408).",
    defaultValue: "10000",
    schema: integerBetween(1000, 600_000),
  }),
  requestTimeoutMs: option({
    env: "GATEHOUSE_REQUEST_TIMEOUT_MS",
    flag: "request-timeout-ms",
    valueName: "<ms>",
    description: "A client must send a whole request, body included, within this time, else the connection is closed (408). At least the headers timeout.",
    defaultValue: "30000",
    schema: integerBetween(1000, 600_000),
  }),
  keepAliveTimeoutMs: option({
    env: "GATEHOUSE_KEEP_ALIVE_TIMEOUT_MS",
    flag: "keep-alive-timeout-ms",
    valueName: "<ms>",
    description: "A kept-alive connection with no new request for this long is closed.",
    defaultValue: "5000",
    schema: positiveInt(600_000),
  }),
  idleTimeoutMs: option({
    env: "GATEHOUSE_IDLE_TIMEOUT_MS",
    flag: "idle-timeout-ms",
    valueName: "<ms>",
    description:
      "A connection on which nothing moves either way for this long is closed (a stalled upload, a response the client stopped reading). Subscriptions send a ping every 12 s, so they stay open.",
    defaultValue: "60000",
    schema: positiveInt(3_600_000),
  }),
  issuer: option({
    env: "GATEHOUSE_ISSUER",
    flag: "issuer",
    valueName: "<url>",
    description:
      "Public base URL of this Gatehouse: the `iss` of its tokens and the base of its endpoints. Required in production; in development it defaults to the listening address.",
    schema: httpUrl.transform((url) => url.replace(/\/+$/, "")),
  }),
  secret: option({
    env: "GATEHOUSE_SECRET",
    flag: "secret",
    valueName: "<secret>",
    description:
      "Secret (32+ characters) that encrypts signing keys at rest. Comma-separated to rotate: the first encrypts, all decrypt. Required in production; development keeps a generated one in the data folder.",
    schema: secretList,
    secret: true,
  }),
  signingAlgorithm: option({
    env: "GATEHOUSE_SIGNING_ALG",
    flag: "signing-alg",
    valueName: "<alg>",
    description: "Algorithm of new signing keys: ES256 or EdDSA (Ed25519).",
    defaultValue: "ES256",
    schema: z.enum(["ES256", "EdDSA"], { error: "must be ES256 or EdDSA" }),
  }),
  managementResource: option({
    env: "GATEHOUSE_MANAGEMENT_RESOURCE",
    flag: "management-resource",
    valueName: "<uri>",
    description: "Resource indicator (token audience) of Gatehouse's own management API.",
    defaultValue: "urn:gatehouse:management",
    schema: z.string().regex(/^[a-z][a-z0-9+.-]*:\S+$/i, "must be an absolute URI"),
  }),
  organizationTokenTtl: option({
    env: "GATEHOUSE_ORGANIZATION_TOKEN_TTL",
    flag: "organization-token-ttl",
    valueName: "<seconds>",
    description: "Lifetime of organization tokens.",
    defaultValue: "3600",
    schema: seconds(86_400),
  }),
  organizationAudiencePrefix: option({
    env: "GATEHOUSE_ORGANIZATION_AUDIENCE_PREFIX",
    flag: "organization-audience-prefix",
    valueName: "<prefix>",
    description: "Audience of organization tokens is this prefix plus the organization id (Logto's by default).",
    defaultValue: "urn:logto:organization:",
    schema: z.string().min(1, "must not be empty"),
  }),
  trustedIssuers: option({
    env: "GATEHOUSE_TRUSTED_ISSUERS",
    flag: "trusted-issuers",
    valueName: "<json>",
    description:
      "JSON array of external OIDC issuers whose access tokens identify users: `issuer`, `audience`, optional `discoveryUrl` or `jwksUri`, `algorithms`, `createUsers`, `trustEmail`.",
    defaultValue: "[]",
    schema: trustedIssuers,
  }),
  mfaRequiresAmr: option({
    env: "GATEHOUSE_MFA_REQUIRES_AMR",
    flag: "mfa-requires-amr",
    valueName: "<bool>",
    description:
      "For organizations requiring MFA, also require the subject token's `amr` claim to show a second factor in this session.",
    defaultValue: "false",
    schema: booleanText,
  }),
  clockToleranceSeconds: option({
    env: "GATEHOUSE_CLOCK_TOLERANCE",
    flag: "clock-tolerance",
    valueName: "<seconds>",
    description: "Clock skew tolerated when checking `exp`, `nbf` and `iat` of incoming tokens.",
    defaultValue: "30",
    schema: z.coerce.number({ error: "must be a number" }).int("must be an integer").min(0).max(300, "must be at most 300"),
  }),
  rejectUnauthorizedOperations: option({
    env: "GATEHOUSE_REJECT_UNAUTHORIZED",
    flag: "reject-unauthorized",
    valueName: "<bool>",
    description:
      "Reject a whole GraphQL operation when any field in it is not authorized, instead of returning null and an error for that field.",
    defaultValue: "false",
    schema: booleanText,
  }),
  corsOrigins: option({
    env: "GATEHOUSE_CORS_ORIGINS",
    flag: "cors-origins",
    valueName: "<origins>",
    description:
      "Comma-separated origins (`https://app.example.com`) whose browser scripts may call /graphql, or `*` for any. Unset: none. Never with credentials (cookies): Gatehouse reads bearer tokens only.",
    schema: corsOrigins,
  }),
  metricsToken: option({
    env: "GATEHOUSE_METRICS_TOKEN",
    flag: "metrics-token",
    valueName: "<token>",
    description:
      "Serve Prometheus metrics at /metrics to callers sending `Authorization: Bearer <token>`. Unset: no /metrics.",
    schema: z.string().min(16, "must be at least 16 characters"),
    secret: true,
  }),
  brandingMaxBytes: option({
    env: "GATEHOUSE_BRANDING_MAX_BYTES",
    flag: "branding-max-bytes",
    valueName: "<bytes>",
    description: "Largest organization logo or favicon that may be uploaded (PUT /branding/organizations/:id/:slot).",
    defaultValue: "524288",
    schema: positiveInt(10 * 1024 * 1024),
  }),
  maxDepth: option({
    env: "GATEHOUSE_MAX_DEPTH",
    flag: "max-depth",
    valueName: "<n>",
    description: "Deepest field nesting a GraphQL operation may have (fragments count as what they select).",
    defaultValue: "15",
    schema: positiveInt(100),
  }),
  maxAliases: option({
    env: "GATEHOUSE_MAX_ALIASES",
    flag: "max-aliases",
    valueName: "<n>",
    description: "Most aliased fields a GraphQL operation may have.",
    defaultValue: "30",
    schema: positiveInt(1000),
  }),
  maxTokens: option({
    env: "GATEHOUSE_MAX_TOKENS",
    flag: "max-tokens",
    valueName: "<n>",
    description: "Most lexical tokens a GraphQL document may have; parsing stops past it.",
    defaultValue: "2000",
    schema: positiveInt(100_000),
  }),
  maxCost: option({
    env: "GATEHOUSE_MAX_COST",
    flag: "max-cost",
    valueName: "<n>",
    description:
      "Highest cost of a GraphQL operation, computed with its variables before it runs: one per field, plus what a field selects times how many values it returns (a connection's clamped page size); about how many values the response can hold.",
    defaultValue: "20000",
    schema: positiveInt(10_000_000),
  }),
  operationTimeoutMs: option({
    env: "GATEHOUSE_OPERATION_TIMEOUT_MS",
    flag: "operation-timeout-ms",
    valueName: "<ms>",
    description:
      "Deadline of one GraphQL query or mutation (and of each subscription event's execution): past it execution stops with OPERATION_TIMEOUT. On PostgreSQL also every SQL statement's `statement_timeout`.",
    defaultValue: "10000",
    schema: positiveInt(600_000),
  }),
  maxResultValues: option({
    env: "GATEHOUSE_MAX_RESULT_VALUES",
    flag: "max-result-values",
    valueName: "<n>",
    description:
      "Most field values one GraphQL operation (or one subscription event) may resolve: past it execution stops with RESULT_TOO_LARGE. A backstop behind the cost limit.",
    defaultValue: "100000",
    schema: positiveInt(10_000_000),
  }),
  tokenRatePerClient: option({
    env: "GATEHOUSE_TOKEN_RATE_PER_CLIENT",
    flag: "token-rate-per-client",
    valueName: "<requests>/<seconds>",
    description:
      "Token requests one authenticated client may make per window at /oauth/token, per process (wrong secrets sent with its id count against the sender's address, not the client); past it 429 `slow_down` with Retry-After. The default stays above the token benchmark's rate.",
    defaultValue: "100000/10",
    schema: rate,
  }),
  tokenRatePerAddress: option({
    env: "GATEHOUSE_TOKEN_RATE_PER_ADDRESS",
    flag: "token-rate-per-address",
    valueName: "<requests>/<seconds>",
    description: "Token requests from one source address per window at /oauth/token, per process (429 past it).",
    defaultValue: "200000/10",
    schema: rate,
  }),
  tokenFailedAuthPerAddress: option({
    env: "GATEHOUSE_TOKEN_FAILED_AUTH_PER_ADDRESS",
    flag: "token-failed-auth-per-address",
    valueName: "<requests>/<seconds>",
    description:
      "Failed client authentications (`invalid_client`) from one source address per window, per process: past it every token request from that address gets 429 until the window ends.",
    defaultValue: "20/60",
    schema: rate,
  }),
  maxSubscriptionsPerToken: option({
    env: "GATEHOUSE_MAX_SUBSCRIPTIONS_PER_TOKEN",
    flag: "max-subscriptions-per-token",
    valueName: "<n>",
    description: "Open subscriptions one token may hold in a process; one more is refused with TOO_MANY_SUBSCRIPTIONS.",
    defaultValue: "100",
    schema: positiveInt(1_000_000),
  }),
  maxSubscriptions: option({
    env: "GATEHOUSE_MAX_SUBSCRIPTIONS",
    flag: "max-subscriptions",
    valueName: "<n>",
    description: "Open subscriptions a process holds in all; one more is refused with TOO_MANY_SUBSCRIPTIONS.",
    defaultValue: "10000",
    schema: positiveInt(10_000_000),
  }),
  console: option({
    env: "GATEHOUSE_CONSOLE",
    flag: "console",
    valueName: "<bool>",
    description: "Serve the web console (built into console/dist by `npm install` or `npm run build`).",
    defaultValue: "true",
    schema: booleanText,
  }),
  consolePath: option({
    env: "GATEHOUSE_CONSOLE_PATH",
    flag: "console-path",
    valueName: "<path>",
    description: "URL path of the web console.",
    defaultValue: "/console",
    schema: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$/, "must be a path such as /console (letters, digits, . _ ~ -; no trailing slash)")
      .refine((path) => !["/graphql", "/oauth", "/.well-known", "/healthz", "/readyz", "/metrics", "/branding", "/dev"].some((taken) => path === taken || path.startsWith(`${taken}/`)), "must not be a path Gatehouse already serves"),
  }),
  consoleIssuer: option({
    env: "GATEHOUSE_CONSOLE_ISSUER",
    flag: "console-issuer",
    valueName: "<url>",
    description:
      "Issuer (one of GATEHOUSE_TRUSTED_ISSUERS) where console users sign in with OpenID Connect; unset: only development sign-in.",
    schema: httpUrl,
  }),
  consoleClientId: option({
    env: "GATEHOUSE_CONSOLE_CLIENT_ID",
    flag: "console-client-id",
    valueName: "<id>",
    description:
      "Client id of the console at that issuer: a public client (PKCE, no secret) whose redirect URI is the console's URL plus /callback.",
    schema: z.string().min(1, "must not be empty"),
  }),
  consoleScope: option({
    env: "GATEHOUSE_CONSOLE_SCOPE",
    flag: "console-scope",
    valueName: "<scopes>",
    description: "Scopes the console asks the issuer for (add offline_access to renew without a redirect).",
    defaultValue: "openid profile email",
    schema: z.string().min(1, "must not be empty"),
  }),
  webhookWorker: option({
    env: "GATEHOUSE_WEBHOOK_WORKER",
    flag: "webhook-worker",
    valueName: "<bool>",
    description: "Deliver webhooks from this process. Replicas share the work; turn it off on replicas that should only serve requests.",
    defaultValue: "true",
    schema: booleanText,
  }),
  webhookAllowedNetworks: option({
    env: "GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS",
    flag: "webhook-allowed-networks",
    valueName: "<cidrs>",
    description:
      "Comma-separated addresses or CIDR blocks that webhooks may reach although they are private, loopback, link-local or otherwise special-use (`10.0.0.0/8,127.0.0.1`). Unset: public addresses only.",
    schema: networks,
  }),
  webhookTimeoutMs: option({
    env: "GATEHOUSE_WEBHOOK_TIMEOUT_MS",
    flag: "webhook-timeout-ms",
    valueName: "<ms>",
    description: "Deadline of one delivery attempt, from connecting to the end of the response.",
    defaultValue: "10000",
    schema: integerBetween(100, 120_000),
  }),
  webhookMaxAttempts: option({
    env: "GATEHOUSE_WEBHOOK_MAX_ATTEMPTS",
    flag: "webhook-max-attempts",
    valueName: "<n>",
    description: "Attempts at one delivery before it is marked failed.",
    defaultValue: "12",
    schema: positiveInt(100),
  }),
  webhookRetryBaseMs: option({
    env: "GATEHOUSE_WEBHOOK_RETRY_BASE_MS",
    flag: "webhook-retry-base-ms",
    valueName: "<ms>",
    description: "Wait before the second attempt; each further wait doubles (up to the maximum), with random jitter of up to half of it.",
    defaultValue: "5000",
    schema: positiveInt(86_400_000),
  }),
  webhookRetryMaxMs: option({
    env: "GATEHOUSE_WEBHOOK_RETRY_MAX_MS",
    flag: "webhook-retry-max-ms",
    valueName: "<ms>",
    description: "Longest wait between two attempts.",
    defaultValue: "3600000",
    schema: positiveInt(86_400_000),
  }),
  webhookDisableAfter: option({
    env: "GATEHOUSE_WEBHOOK_DISABLE_AFTER",
    flag: "webhook-disable-after",
    valueName: "<n>",
    description: "Failed attempts in a row (with no success between) after which an endpoint is disabled, with a `webhook_endpoint.disabled` event.",
    defaultValue: "50",
    schema: positiveInt(100_000),
  }),
  webhookPollMs: option({
    env: "GATEHOUSE_WEBHOOK_POLL_MS",
    flag: "webhook-poll-ms",
    valueName: "<ms>",
    description: "Longest time a delivery worker sleeps before looking for due deliveries; a committed change wakes it at once.",
    defaultValue: "5000",
    schema: integerBetween(10, 600_000),
  }),
  webhookRetentionHours: option({
    env: "GATEHOUSE_WEBHOOK_RETENTION_HOURS",
    flag: "webhook-retention-hours",
    valueName: "<hours>",
    description: "Deliveries (the outbox and the delivery log) older than this are deleted, pending ones included.",
    defaultValue: "720",
    schema: positiveInt(87_600),
  }),
  auditRetentionDays: option({
    env: "GATEHOUSE_AUDIT_RETENTION_DAYS",
    flag: "audit-retention-days",
    valueName: "<days>",
    description:
      "Audit events (token grants and denials, and the change feed) older than this are deleted, in batches, by every process every 10 minutes; events with a pending webhook delivery are kept. A change-feed cursor older than what is kept gets CURSOR_EXPIRED.",
    defaultValue: "365",
    schema: positiveInt(36_500),
  }),
  auditDenialWindowSeconds: option({
    env: "GATEHOUSE_AUDIT_DENIAL_WINDOW_SECONDS",
    flag: "audit-denial-window-seconds",
    valueName: "<seconds>",
    description:
      "Refused token requests are audited in groups (client, source address, error) per window of this length: a group's first denial gets its own `token.denied` row at once, the rest of the window one row with their `count`. 0: a row for every denial.",
    defaultValue: "60",
    schema: integerBetween(0, 3600),
  }),
  logLevel: option({
    env: "LOG_LEVEL",
    flag: "log-level",
    valueName: "<level>",
    description: "One of fatal, error, warn, info, debug, trace, silent.",
    defaultValue: "info",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    }),
  }),
} as const;

export type OptionKey = keyof typeof optionSpecs;
export type OptionValues = {
  [K in OptionKey]: (typeof optionSpecs)[K] extends OptionSpec<infer T> ? T : never;
};
