// Hive Gateway in front of Gatehouse: `docker compose --profile gateway up` mounts this file and
// supergraph.graphql (from `npm run supergraph`) into the gateway image, at /gateway.
// test/support/gateway.ts sets up the gateway's runtime the same way (header propagation, the same
// genericAuth mode; tokens verified with jose there, with the CLI's jwt plugin here), and the
// federation tests run queries through it.
import {
  createRemoteJwksSigningKeyProvider,
  defineConfig,
  extractFromHeader,
  type JWTAuthContextExtension,
} from "@graphql-hive/gateway";

const issuer = process.env.GATEHOUSE_ISSUER ?? "http://localhost:4000";
const jwksUri = process.env.GATEHOUSE_JWKS_URI ?? "http://gatehouse:4000/oauth/jwks";

export const gatewayConfig = defineConfig<JWTAuthContextExtension>({
  supergraph: "./supergraph.graphql",
  // Gatehouse checks every field again, for the organization the token names: it needs the token.
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const authorization = request.headers.get("authorization");
      return authorization ? { authorization } : {};
    },
  },
  jwt: {
    tokenLookupLocations: [extractFromHeader({ name: "authorization", prefix: "Bearer" })],
    signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri })],
    // Gatehouse signs with ES256 by default; EdDSA keys are not verified by this plugin.
    tokenVerification: { issuer, algorithms: ["ES256"] },
    // No token is anonymous (public fields only); a bad token is refused.
    reject: { missingToken: false, invalidToken: true },
  },
  // Enforce @authenticated and @requiresScopes from the supergraph: refused fields become null
  // with an UNAUTHORIZED_FIELD_OR_TYPE error, and are never requested from the subgraph.
  genericAuth: {
    mode: "protect-granular",
    resolveUserFn: (context) => context.jwt?.payload,
    rejectUnauthenticated: false,
  },
});
