// GraphQL subscriptions over SSE, as a frontend opens them: with graphql-sse's client (distinct
// connections mode, the one Yoga serves).
import { type ExecutionResult, createClient } from "graphql-sse";
import { expect, vi } from "vitest";
import type { TestServer } from "./server.js";

export type SubscriptionResult = ExecutionResult<Record<string, any>, unknown>;

export interface OpenSubscription {
  /** Every result received so far. */
  readonly results: SubscriptionResult[];
  /** Waits until `count` results have arrived; returns them. */
  received(count: number): Promise<SubscriptionResult[]>;
  /** Resolves when the server ends the stream: every result, and the error the client saw, if any. */
  readonly ended: Promise<{ results: SubscriptionResult[]; error: unknown }>;
  close(): Promise<void>;
}

/**
 * Opens a subscription and waits until the server streams it (its change listener is registered),
 * so changes made after this returns reach it. Refused subscriptions end at once instead.
 */
export async function subscribe(
  server: Pick<TestServer, "url" | "changes">,
  query: string,
  {
    variables,
    token,
    through,
  }: {
    variables?: Record<string, unknown>;
    token?: string;
    /** Another GraphQL endpoint to subscribe at (a gateway in front of the server). */
    through?: string;
  } = {},
): Promise<OpenSubscription> {
  const client = createClient({
    url: through ?? `${server.url}/graphql`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  const results: SubscriptionResult[] = [];
  let error: unknown;
  let done = false;
  const before = server.changes.subscriptionsStarted;
  const iterator = client.iterate<Record<string, any>>({ query, ...(variables ? { variables } : {}) });
  const ended = (async () => {
    try {
      for await (const result of iterator) results.push(result);
    } catch (caught) {
      error = caught;
    } finally {
      done = true;
      client.dispose();
    }
    return { results, error };
  })();
  await vi.waitFor(() => expect(done || server.changes.subscriptionsStarted > before).toBe(true), { timeout: 10_000 });
  return {
    results,
    async received(count) {
      await vi.waitFor(
        () => {
          if (results.length < count && done) throw new Error(`the stream ended after ${results.length} result(s): ${String(error)}`);
          expect(results.length).toBeGreaterThanOrEqual(count);
        },
        { timeout: 10_000 },
      );
      return results.slice(0, count);
    },
    ended,
    async close() {
      await iterator.return?.();
      await ended;
    },
  };
}
