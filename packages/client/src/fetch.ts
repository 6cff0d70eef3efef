// A fetch that sends the right Gatehouse token with every request, for APIs called without a
// GraphQL client (REST endpoints of the product, or Gatehouse's own GraphQL over plain fetch).
import type { GatehouseTokens, TokenRequest } from "./tokens.js";

export interface FetchWithTokenOptions {
  /** The fetch to wrap. Default: the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Wraps fetch: each call gets `Authorization: Bearer <token for request()>`. When the API answers
 * 401 (the token was revoked, its signing key retired, …), the token is forgotten and the call is
 * retried once with a fresh one — unless its body is a stream, which cannot be sent twice.
 */
export function fetchWithToken(
  tokens: GatehouseTokens,
  request: TokenRequest | (() => TokenRequest),
  options: FetchWithTokenOptions = {},
): typeof fetch {
  const inner = options.fetch ?? fetch;
  const current = typeof request === "function" ? request : () => request;

  return async (input, init = {}) => {
    const wanted = current();
    const send = async () => {
      const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
      headers.set("authorization", `Bearer ${(await tokens.token(wanted)).accessToken}`);
      return inner(input, { ...init, headers });
    };
    const response = await send();
    const replayable = init.body === undefined || init.body === null || typeof init.body === "string" || init.body instanceof URLSearchParams;
    if (response.status !== 401 || !replayable || input instanceof Request) return response;
    tokens.invalidate(wanted);
    return send();
  };
}
