// The urql client: every request carries the session's current management token; subscriptions
// go over Server-Sent Events on the same endpoint (graphql-yoga answers text/event-stream).
import { Client, cacheExchange, fetchExchange } from "urql";
import type { Session } from "./auth/session.ts";
import { config } from "./config.ts";

export function createClient(session: Session): Client {
  return new Client({
    url: new URL(config.graphqlPath, window.location.origin).toString(),
    exchanges: [cacheExchange, fetchExchange],
    fetchSubscriptions: true,
    requestPolicy: "cache-and-network",
    fetchOptions: () => {
      const token = session.accessToken;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      return { headers };
    },
  });
}
