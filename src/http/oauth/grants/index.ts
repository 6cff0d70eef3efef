// The grant types the token endpoint supports, by `grant_type`.
import { OAuthError } from "../errors.js";
import { type TokenParams, required } from "../params.js";
import { clientCredentials } from "./client-credentials.js";
import { type GrantType, assertGrantParameters } from "./grant.js";
import { tokenExchange } from "./token-exchange.js";

export type { GrantType } from "./grant.js";

export const grantTypes: readonly GrantType[] = [clientCredentials, tokenExchange];

/** The pick-grant step: the grant `grant_type` names, with its declared parameter rules met. */
export function pickGrant(params: TokenParams): GrantType {
  const grantType = required(params, "grant_type");
  const grant = grantTypes.find((candidate) => candidate.type === grantType);
  // The description never repeats the value: errors do not echo input.
  if (!grant) throw new OAuthError("unsupported_grant_type", "grant_type is not supported: use client_credentials or token exchange");
  assertGrantParameters(grant, params);
  return grant;
}
