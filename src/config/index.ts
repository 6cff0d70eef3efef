// The one configuration loader: environment variables, overridden by CLI flags, validated at once.
// A bad value stops start-up with a message naming the variable (or flag) and what is wrong.
import { resolve } from "node:path";
import { OperatorError } from "../errors.js";
import { type OptionKey, type OptionValues, optionSpecs } from "./options.js";

export { optionSpecs } from "./options.js";
export type { OptionKey, OptionSpec } from "./options.js";

export type DatabaseConfig =
  | { kind: "embedded"; dataDir: string; /** The migrated template a new data folder starts from. */ templateDir?: string }
  | { kind: "postgres"; url: string; poolSize: number; statementTimeoutMs?: number };

export type TrustedIssuerConfig = OptionValues["trustedIssuers"][number];

export interface TokenConfig {
  signingAlgorithm: OptionValues["signingAlgorithm"];
  /** Resource indicator of Gatehouse's management API. */
  managementResource: string;
  organizationTokenTtl: number;
  organizationAudiencePrefix: string;
  clockToleranceSeconds: number;
  mfaRequiresAmr: boolean;
}

/** Limits on each GraphQL operation, checked before it runs. */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

/** The HTTP server and what it accepts from a client before the application sees a request. */
export interface ServerConfig {
  host: string;
  port: number;
  shutdownTimeoutMs: number;
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
}

/** `points` requests per `seconds`. */
export interface Rate {
  points: number;
  seconds: number;
}

/** Rate limits at /oauth/token, per process (src/http/rate-limits.ts). */
export interface TokenRateLimits {
  perClient: Rate;
  perAddress: Rate;
  failedAuthenticationsPerAddress: Rate;
}

/** Caps on open subscriptions (src/graphql/subscription-limits.ts). */
export interface SubscriptionLimits {
  perToken: number;
  perProcess: number;
}

/** Backstops while an operation runs (src/graphql/budget.ts). */
export interface ExecutionBudget {
  timeoutMs: number;
  maxValues: number;
}

export interface Config {
  mode: "development" | "production";
  server: ServerConfig;
  database: DatabaseConfig;
  /** Folder for the embedded database and, in development, the generated secret. */
  dataDir: string;
  migrateOnStart: boolean;
  logLevel: OptionValues["logLevel"];
  /** Public base URL; when absent (development only) the server's own address is used. */
  issuer: string | undefined;
  /** Key-encryption secrets, newest first; absent in development means "generate and keep one". */
  secrets: string[] | undefined;
  tokens: TokenConfig;
  trustedIssuers: TrustedIssuerConfig[];
  graphql: {
    rejectUnauthorizedOperations: boolean;
    limits: OperationLimits;
    execution: ExecutionBudget;
    /** Origins whose browser scripts may call /graphql (CORS, never with credentials); `*` for any. */
    corsOrigins: "*" | string[];
    subscriptions: SubscriptionLimits;
  };
  /** Rate limits at /oauth/token (src/http/rate-limits.ts). */
  tokenRateLimits: TokenRateLimits;
  /** Bearer token that opens /metrics; undefined: no metrics endpoint. */
  metricsToken: string | undefined;
  /** Uploaded organization logos and favicons. */
  branding: { maxBytes: number };
  webhooks: WebhookConfig;
  /** The audit trail (src/domain/audit-retention.ts). */
  audit: { retentionDays: number; denialWindowMs: number };
  /** The web console: served at `path` when enabled; `signIn` names the identity provider it uses. */
  console: { enabled: boolean; path: string; signIn: ConsoleSignInConfig | undefined };
}

/** Webhook delivery (docs/webhooks.md). */
export interface WebhookConfig {
  /** Whether this process delivers (replicas share the work). */
  worker: boolean;
  /** Addresses or CIDR blocks reachable although special-use (private, loopback, …). */
  allowedNetworks: string[];
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  disableAfter: number;
  pollMs: number;
  retentionHours: number;
}

export interface ConsoleSignInConfig {
  issuer: string;
  clientId: string;
  scope: string;
  /** The trusted issuer's audience, asked for as `resource` so Gatehouse accepts the token. */
  resource: string;
}

export class ConfigError extends OperatorError {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }
}

/**
 * How a bad value appears in an error message: a secret option's value never does, and the password
 * of any URL in a value (DATABASE_URL, an issuer's URL) is masked.
 */
function shownValue(raw: string, secret: boolean | undefined): string {
  if (secret) return "(value hidden: it is a secret)";
  return `(got ${JSON.stringify(maskUrlPasswords(raw))})`;
}

/**
 * `postgresql://user:pa55@host/db` → `postgresql://user:***@host/db` (and `?password=pa55` →
 * `?password=***`), wherever a URL appears in `text`.
 */
export function maskUrlPasswords(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^/:@\s"]*:)[^\s"]*@/gi, "$1***@")
    .replace(/([?&]password=)[^&\s"]*/gi, "$1***");
}

export type ConfigFlags = Partial<Record<OptionKey, string | boolean | number | undefined>>;

/**
 * Reads every option from `flags` (CLI) first, then `env`, then its default, and validates it.
 * Throws a ConfigError that lists every invalid option.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigFlags = {}): Config {
  const problems: string[] = [];
  const values: Partial<Record<OptionKey, unknown>> = {};

  for (const key of Object.keys(optionSpecs) as OptionKey[]) {
    const spec = optionSpecs[key];
    const fromFlag = flags[key];
    const raw = fromFlag !== undefined ? String(fromFlag) : (env[spec.env] ?? spec.defaultValue);
    if (raw === undefined || raw === "") continue;
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const source = fromFlag !== undefined ? `--${spec.flag}` : spec.env;
      const message = parsed.error.issues[0]?.message ?? "is invalid";
      problems.push(`${source} ${message} ${shownValue(raw, spec.secret)}`);
    }
  }
  const v = values as OptionValues;
  const mode = v.mode ?? (env.NODE_ENV === "production" ? "production" : "development");
  if (mode === "production") {
    if (!v.issuer) problems.push(`${optionSpecs.issuer.env} is required in production`);
    if (!v.secret) problems.push(`${optionSpecs.secret.env} is required in production`);
  }
  if (v.headersTimeoutMs > v.requestTimeoutMs) {
    problems.push(`${optionSpecs.headersTimeoutMs.env} must not exceed ${optionSpecs.requestTimeoutMs.env}`);
  }
  if (v.webhookRetryBaseMs > v.webhookRetryMaxMs) {
    problems.push(`${optionSpecs.webhookRetryBaseMs.env} must not exceed ${optionSpecs.webhookRetryMaxMs.env}`);
  }
  const consoleSignIn = v.consoleIssuer ? consoleSignInOf(v, problems) : undefined;
  if (!v.consoleIssuer && v.consoleClientId) problems.push(`${optionSpecs.consoleClientId.env} needs ${optionSpecs.consoleIssuer.env}`);
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = normalizeDataDir(v.dataDir);
  return {
    mode,
    server: {
      host: v.host,
      port: v.port,
      shutdownTimeoutMs: v.shutdownTimeoutMs,
      maxBodyBytes: v.maxBodyBytes,
      headersTimeoutMs: v.headersTimeoutMs,
      requestTimeoutMs: v.requestTimeoutMs,
      keepAliveTimeoutMs: v.keepAliveTimeoutMs,
      idleTimeoutMs: v.idleTimeoutMs,
    },
    database: v.databaseUrl
      ? { kind: "postgres", url: v.databaseUrl, poolSize: v.databasePoolSize, statementTimeoutMs: v.operationTimeoutMs }
      : { kind: "embedded", dataDir, ...(v.embeddedTemplate ? { templateDir: resolve(v.embeddedTemplate) } : {}) },
    dataDir,
    migrateOnStart: v.migrateOnStart,
    logLevel: v.logLevel,
    issuer: v.issuer,
    secrets: v.secret,
    tokens: {
      signingAlgorithm: v.signingAlgorithm,
      managementResource: v.managementResource,
      organizationTokenTtl: v.organizationTokenTtl,
      organizationAudiencePrefix: v.organizationAudiencePrefix,
      clockToleranceSeconds: v.clockToleranceSeconds,
      mfaRequiresAmr: v.mfaRequiresAmr,
    },
    trustedIssuers: v.trustedIssuers,
    graphql: {
      rejectUnauthorizedOperations: v.rejectUnauthorizedOperations,
      limits: { maxDepth: v.maxDepth, maxAliases: v.maxAliases, maxTokens: v.maxTokens, maxCost: v.maxCost },
      execution: { timeoutMs: v.operationTimeoutMs, maxValues: v.maxResultValues },
      corsOrigins: v.corsOrigins ?? [],
      subscriptions: { perToken: v.maxSubscriptionsPerToken, perProcess: v.maxSubscriptions },
    },
    tokenRateLimits: {
      perClient: v.tokenRatePerClient,
      perAddress: v.tokenRatePerAddress,
      failedAuthenticationsPerAddress: v.tokenFailedAuthPerAddress,
    },
    metricsToken: v.metricsToken,
    branding: { maxBytes: v.brandingMaxBytes },
    webhooks: {
      worker: v.webhookWorker,
      allowedNetworks: v.webhookAllowedNetworks ?? [],
      timeoutMs: v.webhookTimeoutMs,
      maxAttempts: v.webhookMaxAttempts,
      retryBaseMs: v.webhookRetryBaseMs,
      retryMaxMs: v.webhookRetryMaxMs,
      disableAfter: v.webhookDisableAfter,
      pollMs: v.webhookPollMs,
      retentionHours: v.webhookRetentionHours,
    },
    audit: { retentionDays: v.auditRetentionDays, denialWindowMs: v.auditDenialWindowSeconds * 1000 },
    console: { enabled: v.console, path: v.consolePath, signIn: consoleSignIn },
  };
}

function consoleSignInOf(v: OptionValues, problems: string[]): ConsoleSignInConfig | undefined {
  const trusted = v.trustedIssuers.find((entry) => entry.issuer === v.consoleIssuer);
  if (!trusted) {
    problems.push(`${optionSpecs.consoleIssuer.env} must be the issuer of one of GATEHOUSE_TRUSTED_ISSUERS (got ${JSON.stringify(v.consoleIssuer)})`);
    return undefined;
  }
  if (!v.consoleClientId) {
    problems.push(`${optionSpecs.consoleClientId.env} is required with ${optionSpecs.consoleIssuer.env}`);
    return undefined;
  }
  const audience = Array.isArray(trusted.audience) ? trusted.audience[0]! : trusted.audience;
  return { issuer: trusted.issuer, clientId: v.consoleClientId, scope: v.consoleScope, resource: audience };
}

function normalizeDataDir(dataDir: string): string {
  return dataDir.startsWith("memory://") ? dataDir : resolve(dataDir);
}
