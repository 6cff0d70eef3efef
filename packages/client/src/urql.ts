// An urql exchange that authenticates every operation with the Gatehouse token for the current
// organization (built on @urql/exchange-auth). Switching organizations is a matter of `request`
// returning another organization id: the next operation gets that organization's token.
import type { CombinedError, Exchange, Operation } from "@urql/core";
import { authExchange } from "@urql/exchange-auth";
import type { GatehouseTokens, TokenRequest } from "./tokens.js";

export interface GatehouseAuthExchangeOptions {
  /** What the next operation's token is for; null sends operations without a token. */
  request: () => TokenRequest | null;
}

/** True when Gatehouse (or the API) refused the token itself, not the operation. */
function refusedToken(error: CombinedError): boolean {
  return error.response?.status === 401 || error.graphQLErrors.some((graphQLError) => graphQLError.extensions?.code === "UNAUTHENTICATED");
}

export function gatehouseAuthExchange(tokens: GatehouseTokens, { request }: GatehouseAuthExchangeOptions): Exchange {
  return authExchange(async (utils) => {
    // The token refreshAuth fetched last, and what it is for: addAuthToOperation is synchronous.
    let current: { key: string; accessToken: string } | undefined;
    let refused = false;
    const keyOf = (wanted: TokenRequest) => JSON.stringify([wanted.organizationId, wanted.resource, wanted.scope]);

    return {
      addAuthToOperation(operation: Operation) {
        const wanted = request();
        if (!wanted) return operation;
        const token = tokens.peek(wanted)?.accessToken ?? (current?.key === keyOf(wanted) ? current.accessToken : undefined);
        return token ? utils.appendHeaders(operation, { Authorization: `Bearer ${token}` }) : operation;
      },
      willAuthError() {
        const wanted = request();
        return wanted !== null && tokens.peek(wanted) === undefined;
      },
      didAuthError(error: CombinedError) {
        refused = refusedToken(error);
        return refused;
      },
      async refreshAuth() {
        const wanted = request();
        if (!wanted) return;
        if (refused) tokens.invalidate(wanted);
        refused = false;
        current = { key: keyOf(wanted), accessToken: (await tokens.token(wanted)).accessToken };
      },
    };
  });
}
