// Authorization server metadata (RFC 8414, and the OpenID discovery document) and the JWKS.
import type { AuthServices } from "../../auth/services.js";
import { grantTypes } from "./grants/index.js";

export const TOKEN_PATH = "/oauth/token";
export const JWKS_PATH = "/oauth/jwks";

export function authorizationServerMetadata(services: AuthServices) {
  const issuer = services.issuer();
  return {
    issuer,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    grant_types_supported: grantTypes.map((grant) => grant.type),
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    // No authorization endpoint: users sign in at their identity provider, then exchange tokens.
    response_types_supported: [],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [services.config.tokens.signingAlgorithm],
    access_token_signing_alg_values_supported: ["ES256", "EdDSA"],
  };
}

export async function jwksResponse(services: AuthServices): Promise<Response> {
  // Verifiers may cache the keys for a while; one that meets a token signed by a newly rotated
  // key finds an unknown kid and refetches (jose's remote key sets do).
  return Response.json(await services.keys.jwks(), {
    headers: { "cache-control": "public, max-age=300" },
  });
}
