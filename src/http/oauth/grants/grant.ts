// What every grant type module declares: its `grant_type`, its parameters as data (which must be
// present, which are refused and why), and its check step, which turns a parsed request and the
// authenticated client into the domain's TokenRequest.
import type { AuthServices } from "../../../auth/services.js";
import type { TokenRequest } from "../../../domain/tokens/issue.js";
import { OAuthError } from "../errors.js";
import { type TokenParameter, type TokenParams, requestedResource, requestedScopes, required } from "../params.js";

export interface GrantContext {
  services: AuthServices;
  params: TokenParams;
  /** The authenticated client, or undefined for a public client. */
  client: { id: string } | undefined;
}

export interface CheckedGrant {
  request: TokenRequest;
  /** Who asked, for the audit trail. */
  actor: string;
}

export interface GrantType {
  type: string;
  /** Parameters the grant cannot do without (`invalid_request` when absent). */
  required: readonly TokenParameter[];
  /** Parameters the grant refuses, with the reason (`invalid_request` when present). */
  refused: Partial<Record<TokenParameter, string>>;
  /** `issued_token_type` of the response (RFC 8693 §2.2.1), when the grant has one. */
  issuedTokenType?: string;
  check(context: GrantContext): Promise<CheckedGrant>;
}

/** The declared parameter rules of `grant`, before its own check runs. */
export function assertGrantParameters(grant: GrantType, params: TokenParams): void {
  for (const name of grant.required) required(params, name);
  for (const [name, reason] of Object.entries(grant.refused) as [TokenParameter, string][]) {
    if (params.has(name)) throw new OAuthError("invalid_request", reason);
  }
}

/** The target every grant shares: `organization_id`, `resource` (RFC 8707) and `scope`. */
export function targetOf(params: TokenParams): Pick<TokenRequest, "organizationId" | "resource" | "scope"> {
  const organizationId = params.get("organization_id");
  const resource = requestedResource(params);
  const scope = requestedScopes(params);
  return {
    ...(organizationId !== undefined ? { organizationId } : {}),
    ...(resource !== undefined ? { resource } : {}),
    ...(scope !== undefined ? { scope } : {}),
  };
}
