// The token machinery of one Gatehouse process, built once at start.
import type { Config } from "../config/index.js";
import type { Database } from "../db/index.js";
import { longestOpenInvitationSeconds } from "../domain/invitations.js";
import { TemplateCache } from "../domain/template-cache.js";
import { DEVELOPMENT_TOKEN_MAX_TTL } from "../domain/tokens/development.js";
import { CachedTokenFacts, TOKEN_FACTS_CHANNEL, databaseTokenFacts } from "../domain/tokens/facts.js";
import type { Logger } from "../logger.js";
import { KeyEncryption, WEBHOOK_SECRETS } from "./key-encryption.js";
import { resolveSecrets } from "./secret.js";
import { SigningKeys } from "./signing-keys.js";
import { TokenIssuer } from "./tokens.js";
import { TokenVerifier } from "./verify.js";

export interface AuthServices {
  config: Config;
  db: Database;
  /** The `iss` of Gatehouse's tokens; fixed once the server listens. */
  issuer(): string;
  keys: SigningKeys;
  /** What token decisions read (clients, resources, memberships, grants), cached; see facts.ts. */
  facts: CachedTokenFacts;
  /** The organization template, in memory, dropped when the token facts are; see template-cache.ts. */
  template: TemplateCache;
  tokens: TokenIssuer;
  verifier: TokenVerifier;
  /** Encrypts webhook signing secrets at rest, with GATEHOUSE_SECRET as signing keys are (its own derived key). */
  webhookSecrets: KeyEncryption;
}

export interface CreateAuthServicesOptions {
  config: Config;
  db: Database;
  logger: Logger;
  /** The issuer when GATEHOUSE_ISSUER is not set (development: the server's own address). */
  issuer: () => string;
}

export async function createAuthServices({ config, db, logger, issuer }: CreateAuthServicesOptions): Promise<AuthServices> {
  const secrets = await resolveSecrets(config, logger);
  const encryption = new KeyEncryption(secrets);
  const keys = new SigningKeys(db.prisma, encryption, {
    algorithm: config.tokens.signingAlgorithm,
    maxTokenLifetimeSeconds: async () => {
      const { _max } = await db.prisma.apiResource.aggregate({ _max: { accessTokenTtl: true } });
      const developmentTokens = config.mode === "development" ? DEVELOPMENT_TOKEN_MAX_TTL : 0;
      const invitationTokens = await longestOpenInvitationSeconds(db.prisma);
      return Math.max(config.tokens.organizationTokenTtl, _max.accessTokenTtl ?? 0, developmentTokens, invitationTokens);
    },
  });
  await keys.ensureActiveKey();
  // Fail at start, not at the first token, when the secret cannot decrypt the signing key.
  await keys.active();
  const resolvedIssuer = () => config.issuer ?? issuer();
  const facts = new CachedTokenFacts(databaseTokenFacts(db.prisma));
  const template = new TemplateCache(db);
  db.onQuery((event) => {
    facts.observeStatement(event.query);
    template.observeStatement(event.query);
  });
  await db.notifications.listen(TOKEN_FACTS_CHANNEL, () => {
    facts.invalidate();
    template.invalidate();
  });
  db.notifications.onReconnect(() => {
    facts.invalidate();
    template.invalidate();
  });
  return {
    config,
    db,
    issuer: resolvedIssuer,
    keys,
    facts,
    template,
    tokens: new TokenIssuer({ facts, keys, tokens: config.tokens, issuer: resolvedIssuer }),
    verifier: new TokenVerifier({
      issuer: resolvedIssuer,
      keys,
      trustedIssuers: config.trustedIssuers,
      clockToleranceSeconds: config.tokens.clockToleranceSeconds,
    }),
    webhookSecrets: new KeyEncryption(secrets, WEBHOOK_SECRETS),
  };
}
