// Caps on open subscriptions: per token and per process. Each open stream holds a connection and a
// change listener; without a cap one token could open them until the process runs out of memory or
// file descriptors. A subscription over a cap is refused before it starts, with
// TOO_MANY_SUBSCRIPTIONS; a slot is freed when its stream ends (the client leaves or the server
// ends it).
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { bearerToken } from "../auth/bearer.js";
import type { SubscriptionLimits } from "../config/index.js";
import { GatehouseError } from "../errors.js";
import { toGraphQLError } from "./errors.js";

interface Reservation {
  release(): void;
}

export function useSubscriptionLimits(limits: SubscriptionLimits): Plugin<{ request: Request }> {
  const open = new Map<string, number>();
  let total = 0;
  const reservations = new WeakMap<object, Reservation>();

  const reserve = (key: string): Reservation => {
    open.set(key, (open.get(key) ?? 0) + 1);
    total += 1;
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        total -= 1;
        const left = (open.get(key) ?? 1) - 1;
        if (left === 0) open.delete(key);
        else open.set(key, left);
      },
    };
  };

  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      // The token itself is the key: two tokens of one application are two callers' worth of streams.
      const key = bearerToken(args.contextValue.request.headers.get("authorization")) ?? "anonymous";
      const refusal =
        (open.get(key) ?? 0) >= limits.perToken
          ? { limit: "perToken", max: limits.perToken, message: `This token already has ${limits.perToken} open subscriptions.` }
          : total >= limits.perProcess
            ? { limit: "perProcess", max: limits.perProcess, message: `The server already holds ${limits.perProcess} open subscriptions.` }
            : undefined;
      if (refusal) {
        const error = new GatehouseError("TOO_MANY_SUBSCRIPTIONS", `${refusal.message} Close one and retry.`, {
          details: { limit: refusal.limit, max: refusal.max },
        });
        setResultAndStopExecution({ errors: [toGraphQLError(error)] });
        return;
      }
      reservations.set(args.contextValue, reserve(key));
      return {
        onSubscribeResult({ result }) {
          const reservation = reservations.get(args.contextValue);
          if (!isAsyncIterable(result)) {
            reservation?.release();
            return;
          }
          return { onEnd: () => reservation?.release() };
        },
        onSubscribeError() {
          reservations.get(args.contextValue)?.release();
        },
      };
    },
  };
}
