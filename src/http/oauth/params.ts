// Reading a token request: a form-encoded body with each parameter at most once (RFC 6749 §3.2),
// except `resource`, which RFC 8707 allows to repeat but Gatehouse issues tokens for one at a time.
import { OAuthError } from "../../auth/oauth-error.js";

export type TokenParams = ReadonlyMap<string, string>;

export async function parseTokenRequest(request: Request): Promise<TokenParams> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(await request.text());
  const params = new Map<string, string>();
  for (const [name, value] of form) {
    if (params.has(name)) {
      throw name === "resource"
        ? new OAuthError("invalid_target", "only one resource per token request")
        : new OAuthError("invalid_request", `parameter ${name} is repeated`);
    }
    if (value !== "") params.set(name, value);
  }
  return params;
}

export function required(params: TokenParams, name: string): string {
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
