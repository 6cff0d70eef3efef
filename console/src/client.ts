// The urql client: every operation carries the session's management token through
// @gatehouse/client's auth exchange (the token renewed before it expires, and fetched again once
// after Gatehouse refuses it); subscriptions go over Server-Sent Events on the same endpoint
// (graphql-yoga answers text/event-stream).
import { gatehouseAuthExchange } from "@gatehouse/client/urql";
import { Client, cacheExchange, fetchExchange } from "urql";
import type { Session } from "./auth/session.ts";
import { config } from "./config.ts";

export function createClient(session: Session): Client {
  return new Client({
    url: new URL(config.graphqlPath, window.location.origin).toString(),
    exchanges: [cacheExchange, gatehouseAuthExchange(session.tokens, { request: () => (session.signedIn ? session.request : null) }), fetchExchange],
    fetchSubscriptions: true,
    requestPolicy: "cache-and-network",
  });
}
