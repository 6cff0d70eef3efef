// Hive Gateway in front of Gatehouse: `docker compose --profile gateway up` mounts this file and
// supergraph.graphql (from `npm run supergraph`) into the gateway image, at /gateway. It holds to
// what Gatehouse holds to on its own:
//   - a bad token (forged, expired, another issuer's) is refused with HTTP 401 and the code
//     UNAUTHENTICATED, before anything runs; no token is anonymous (public fields only);
//   - @authenticated and @requiresScopes from the supergraph are enforced here too (refused
//     fields become null, and are never requested from a subgraph), and the token is forwarded,
//     since Gatehouse checks every field again for the organization the token names;
//   - in production (GATEHOUSE_MODE=production, or NODE_ENV=production): no introspection and no
//     "Did you mean …?" suggestions, so the schema does not leak;
//   - GATEWAY_TRUSTED_DOCUMENTS names a JSON file of trusted documents ({ "<sha256>": "query …" },
//     as graphql-codegen's persisted-documents.json): then only those run, sent by hash
//     (`extensions.persistedQuery.sha256Hash`).
// Only @graphql-hive/gateway-runtime's configuration (and jose, graphql) is used, so the federation
// test loads this very file through the runtime package (test/federation/gateway-config.test.ts).
import { readFileSync } from "node:fs";
import type { GatewayConfigSupergraph, GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError } from "graphql";
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";

const env = process.env;
const issuer = env.GATEHOUSE_ISSUER ?? "http://localhost:4000";
const jwksUri = env.GATEHOUSE_JWKS_URI ?? "http://gatehouse:4000/oauth/jwks";
const production = (env.GATEHOUSE_MODE ?? (env.NODE_ENV === "production" ? "production" : "development")) === "production";
const trustedDocuments = env.GATEWAY_TRUSTED_DOCUMENTS
  ? (JSON.parse(readFileSync(env.GATEWAY_TRUSTED_DOCUMENTS, "utf8")) as Record<string, string>)
  : undefined;

const keys = createRemoteJWKSet(new URL(jwksUri));
const verifications = new WeakMap<Request, Promise<JWTPayload | null>>();

/** The claims of the request's Gatehouse token, null without one; rejects a bad token. Verified once per request. */
function claimsOf(request: Request): Promise<JWTPayload | null> {
  let verification = verifications.get(request);
  if (!verification) {
    const token = /^Bearer (\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    verification = token
      ? jwtVerify(token, keys, { issuer, algorithms: ["ES256", "EdDSA"] }).then((result) => result.payload)
      : request.headers.has("authorization")
        ? Promise.reject(new Error("the Authorization header is not a bearer token"))
        : Promise.resolve(null);
    verifications.set(request, verification);
  }
  return verification;
}

/** A present but bad token: 401 UNAUTHENTICATED, as Gatehouse answers it. */
const refuseBadTokens: GatewayPlugin = {
  async onRequest({ request, endResponse }) {
    if (!request.headers.has("authorization")) return;
    try {
      await claimsOf(request);
    } catch {
      endResponse(
        Response.json(
          { errors: [{ message: "The access token is invalid or expired.", extensions: { code: "UNAUTHENTICATED" } }] },
          { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' } },
        ),
      );
    }
  },
};

/** Validation errors without "Did you mean …?": a guessing client learns no field names. */
const hideSuggestions: GatewayPlugin = {
  onValidate() {
    return ({ valid, result, setResult }) => {
      if (valid) return;
      setResult(
        result.map(
          (error) =>
            new GraphQLError(error.message.replace(/ ?Did you mean .*$/s, ""), {
              nodes: error.nodes,
              extensions: { ...error.extensions, code: error.extensions?.code ?? "GRAPHQL_VALIDATION_FAILED" },
            }),
        ),
      );
    };
  },
};

export const gatewayConfig = {
  supergraph: "./supergraph.graphql",
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const authorization = request.headers.get("authorization");
      return authorization ? { authorization } : {};
    },
  },
  genericAuth: {
    mode: "protect-granular",
    resolveUserFn: (context) => claimsOf(context.request).catch(() => null),
    rejectUnauthenticated: false,
  },
  ...(production ? { disableIntrospection: { disableIf: () => true } } : {}),
  ...(trustedDocuments
    ? {
        persistedDocuments: {
          getPersistedOperation: (hash: string) => trustedDocuments[hash] ?? null,
          allowArbitraryDocuments: false,
        },
      }
    : {}),
  plugins: () => [refuseBadTokens, ...(production ? [hideSuggestions] : [])],
} satisfies GatewayConfigSupergraph;
