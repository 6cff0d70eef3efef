// The authenticate-client step: client_secret_basic or client_secret_post (RFC 6749 §2.3.1),
// never both in one request.
import { type TokenFacts, authenticateClient as authenticateClientSecret } from "../../domain/tokens/facts.js";
import { OAuthError } from "./errors.js";
import { type TokenParams, checkedParameter } from "./params.js";

interface Credentials {
  clientId: string;
  clientSecret: string;
}

function basicCredentials(header: string | undefined): Credentials | undefined {
  if (!header?.toLowerCase().startsWith("basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new OAuthError("invalid_client", "malformed Basic credentials");
  let credentials: Credentials;
  try {
    // The id and secret are form-encoded before base64 (RFC 6749 §2.3.1).
    credentials = {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
    };
  } catch {
    throw new OAuthError("invalid_client", "malformed Basic credentials");
  }
  // The same bounds as the form's parameters; a bad header is a failed client authentication.
  checkedParameter("client_id", credentials.clientId, "invalid_client");
  checkedParameter("client_secret", credentials.clientSecret, "invalid_client");
  return credentials;
}

/**
 * The authenticated application, or undefined when the request carries no client secret at all
 * (a public client). Wrong or half-given credentials are `invalid_client`.
 */
export async function authenticateClient(
  facts: TokenFacts,
  authorization: string | undefined,
  params: TokenParams,
): Promise<{ id: string } | undefined> {
  const basic = basicCredentials(authorization);
  const postSecret = params.get("client_secret");
  if (basic && postSecret !== undefined) {
    throw new OAuthError("invalid_request", "use one client authentication method, not both");
  }
  if (basic && params.has("client_id") && params.get("client_id") !== basic.clientId) {
    throw new OAuthError("invalid_request", "client_id does not match the Basic credentials");
  }
  const credentials =
    basic ??
    (postSecret !== undefined
      ? { clientId: params.get("client_id") ?? "", clientSecret: postSecret }
      : undefined);
  if (!credentials) return undefined;
  if (!credentials.clientId) throw new OAuthError("invalid_client", "client_secret needs client_id");
  const application = await authenticateClientSecret(facts, credentials.clientId, credentials.clientSecret);
  if (!application) throw new OAuthError("invalid_client", "client authentication failed");
  return application;
}
