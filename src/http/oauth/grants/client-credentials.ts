// client_credentials (RFC 6749 §4.4): an M2M application asks for a token as itself.
import { OAuthError } from "../errors.js";
import { type GrantType, targetOf } from "./grant.js";

export const clientCredentials: GrantType = {
  type: "client_credentials",
  required: [],
  refused: {},
  async check({ params, client }) {
    if (!client) throw new OAuthError("invalid_client", "client authentication is required");
    return {
      actor: `application:${client.id}`,
      request: { subject: { type: "application", id: client.id }, clientId: client.id, ...targetOf(params) },
    };
  },
};
