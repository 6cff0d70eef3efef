// The GraphQL endpoint: graphql-yoga over the Gatehouse schema. Production mode turns off what
// only helps a developer explore (GraphiQL, introspection, field suggestions); the operation limits
// and error masking hold in every mode.
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { AuthServices } from "../auth/services.js";
import type { ChangeFeed } from "../changes.js";
import { GatehouseError } from "../errors.js";
import { invitationTokens } from "../auth/invitation-tokens.js";
import { addressPolicy } from "../domain/webhooks/addresses.js";
import { type GatehouseGraphiQLOptions, type GraphiQLServerContext, renderGraphiQLPage } from "./graphiql.js";
import type { Logger } from "../logger.js";
import { useRejectUnauthorized } from "./auth/reject-unauthorized.js";
import { authenticate } from "./authenticate.js";
import type { GraphQLContext } from "./context.js";
import { useCsrfPrevention } from "./csrf.js";
import { useErrorCodes } from "./error-codes.js";
import { maskError } from "./errors.js";
import { documentCache } from "./document-cache.js";
import { createLoaders } from "./loaders.js";
import { useExecutionBudget } from "./budget.js";
import { useOperationCost } from "./cost.js";
import { useInputBounds } from "./input-bounds.js";
import { useOperationLimits } from "./limits.js";
import { type OperationSummary, useOperationObservability } from "./observability.js";
import { useSubscriptionLimits } from "./subscription-limits.js";

export const GRAPHQL_PATH = "/graphql";

const DEFAULT_QUERY = `# Welcome to Gatehouse.
#
# Get a token in the Tokens panel (the key icon on the left), or put
# one in the Headers tab: { "Authorization": "Bearer <token>" }.
query {
  serverInfo {
    version
  }
}
`;

export interface CreateGraphQLOptions {
  schema: GraphQLSchema;
  services: AuthServices;
  changes: ChangeFeed;
  logger: Logger;
  /** Each operation's summary (type, name, duration, outcome, error codes), after it ran. */
  onOperation?: (operation: OperationSummary) => void;
}

export type GatehouseYoga = YogaServerInstance<GraphiQLServerContext, GraphQLContext>;

export function createGraphQL({ schema, services, changes, logger, onOperation = () => {} }: CreateGraphQLOptions): GatehouseYoga {
  const { db, config } = services;
  const production = config.mode === "production";
  const invitations = invitationTokens(services.tokens, services.verifier);
  const webhooks = { sealer: services.webhookSecrets, addresses: addressPolicy(config.webhooks.allowedNetworks) };
  return createYoga<GraphiQLServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // GraphiQL and its editor are served by Gatehouse itself (no CDN), with no inline script.
    renderGraphiQL: (options) => renderGraphiQLPage(options as GatehouseGraphiQLOptions),
    graphiql: production
      ? false
      : (_request, context): GatehouseGraphiQLOptions => ({
          title: "Gatehouse GraphiQL",
          defaultQuery: DEFAULT_QUERY,
          ...(context?.tokenPanel ? { tokenPanel: context.tokenPanel } : {}),
        }),
    landingPage: false,
    // CORS is Hono's, with the configured allow-list (src/http/app.ts); Yoga's reflects any origin.
    cors: false,
    // No file uploads: a multipart body is a form a browser posts without asking (CSRF).
    multipart: false,
    maskedErrors: { maskError },
    // Parsed documents and parse errors are kept by size, not only by count (./document-cache.ts).
    parserAndValidationCache: { documentCache: documentCache(), errorCache: documentCache(), validationCache: true },
    logging: {
      debug: (...args) => logger.debug({ args }, "graphql"),
      info: (...args) => logger.info({ args }, "graphql"),
      warn: (...args) => logger.warn({ args }, "graphql"),
      // Refusals (GatehouseErrors) are answers, not failures: only unexpected errors are errors.
      error: (...args) => {
        if (args.every(isRefusal)) return logger.debug({ err: args[0] }, "graphql refusal");
        // A request refused before it became an operation (a body that is not JSON, a parameter
        // GraphQL over HTTP does not define, …): its error can quote the body (the JSON parser's
        // message does), so only its code and status are logged.
        if (args.every(isRequestRefusal)) return logger.debug({ refusals: args.map(refusalOf) }, "graphql request refused");
        logger.error({ err: args[0] }, "graphql error");
      },
    },
    plugins: [
      useOperationObservability(onOperation),
      useCsrfPrevention(),
      useErrorCodes(),
      useOperationLimits(config.graphql.limits, { hideSuggestions: production }),
      useInputBounds(),
      useOperationCost(config.graphql.limits.maxCost),
      useExecutionBudget(config.graphql.execution),
      useSubscriptionLimits(config.graphql.subscriptions),
      // Routers compose from `_service { sdl }`, which is not introspection and keeps working.
      ...(production ? [useDisableIntrospection()] : []),
      ...(config.graphql.rejectUnauthorizedOperations ? [useRejectUnauthorized()] : []),
    ],
    context: async ({ request }): Promise<GraphQLContext> => {
      const authentication = await authenticate(services, request);
      return {
        db,
        prisma: db.prisma,
        principal: authentication?.principal ?? null,
        tokenExpiresAt: authentication?.expiresAt,
        changes,
        loaders: createLoaders(db.prisma),
        template: services.template,
        invitationTokens: invitations,
        webhooks,
      };
    },
  });
}

/** Yoga's refusal of a malformed request: no path (nothing executed), an HTTP status below 500. */
function isRequestRefusal(error: unknown): error is GraphQLError {
  const status = error instanceof GraphQLError && !error.path ? (error.extensions?.http as { status?: unknown } | undefined)?.status : undefined;
  return typeof status === "number" && status < 500;
}

function refusalOf(error: GraphQLError): { code: unknown; status: unknown } {
  return { code: error.extensions.code, status: (error.extensions.http as { status?: unknown }).status };
}

function isRefusal(error: unknown): boolean {
  const original = error instanceof GraphQLError ? error.originalError : error;
  return original instanceof GatehouseError;
}
