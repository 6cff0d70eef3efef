// The parse step: a form-encoded body with each parameter at most once (RFC 6749 §3.2), except
// `resource`, which RFC 8707 allows to repeat but Gatehouse issues tokens for one at a time. Every
// parameter Gatehouse reads is checked here, before any other step sees it: its length, no NUL,
// valid Unicode. Parameters it does not know are ignored, as RFC 6749 §3.2 requires.
import { textProblem } from "../../text.js";
import { OAuthError } from "./errors.js";

/** Every parameter the token endpoint reads, and the most characters it takes. */
export const TOKEN_PARAMETERS = {
  grant_type: 256,
  client_id: 255,
  client_secret: 512,
  scope: 4096,
  resource: 2048,
  organization_id: 255,
  subject_token: 16_384,
  subject_token_type: 256,
  requested_token_type: 256,
  actor_token: 16_384,
  actor_token_type: 256,
  audience: 2048,
} as const satisfies Record<string, number>;

export type TokenParameter = keyof typeof TOKEN_PARAMETERS;

export type TokenParams = ReadonlyMap<TokenParameter, string>;

function isTokenParameter(name: string): name is TokenParameter {
  return Object.hasOwn(TOKEN_PARAMETERS, name);
}

/** `value` as parameter `name`, or `error` (with the parameter's name, never its value). */
export function checkedParameter(name: TokenParameter, value: string, error: "invalid_request" | "invalid_client" = "invalid_request"): string {
  const problem = textProblem(value, TOKEN_PARAMETERS[name]);
  if (problem) throw new OAuthError(error, `${name} ${problem}`);
  return value;
}

/** `body` as the token request's parameters, given the request's Content-Type. */
export function parseTokenRequest(contentType: string | undefined, body: string): TokenParams {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  const params = new Map<TokenParameter, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (seen.has(name)) {
      throw name === "resource"
        ? new OAuthError("invalid_target", "only one resource per token request")
        : // Only a parameter Gatehouse reads is named: errors do not echo input.
          new OAuthError("invalid_request", isTokenParameter(name) ? `parameter ${name} is repeated` : "a parameter is repeated");
    }
    seen.add(name);
    if (isTokenParameter(name) && value !== "") params.set(name, checkedParameter(name, value));
  }
  return params;
}

export function required(params: TokenParams, name: TokenParameter): string {
  const value = params.get(name);
  if (value === undefined) throw new OAuthError("invalid_request", `${name} is required`);
  return value;
}

/** `scope`: space-delimited scope tokens (RFC 6749 §3.3); absent means "everything granted". */
export function requestedScopes(params: TokenParams): string[] | undefined {
  const scope = params.get("scope");
  if (scope === undefined) return undefined;
  const tokens = scope.split(" ").filter(Boolean);
  // scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
  if (tokens.some((token) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(token))) {
    throw new OAuthError("invalid_scope", "scope holds characters RFC 6749 does not allow");
  }
  return [...new Set(tokens)];
}

/** `resource` (RFC 8707): an absolute URI without a fragment. */
export function requestedResource(params: TokenParams): string | undefined {
  const resource = params.get("resource");
  if (resource === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new OAuthError("invalid_target", "resource must be an absolute URI");
  }
  if (url.hash) throw new OAuthError("invalid_target", "resource must not have a fragment");
  return resource;
}
