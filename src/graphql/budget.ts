// Backstops behind the cost estimate, which holds only as well as its guesses (a list it sizes at
// 10 may hold 1,000): each query or mutation gets a deadline and a cap on the field values it
// resolves. Either one aborts the execution (no further field starts; the executor stops at once)
// and the response is `data: null` with OPERATION_TIMEOUT or RESULT_TOO_LARGE. A subscription's
// stream is not bounded in time; each of its events is, by the same deadline and cap.
import { useOnResolve } from "@envelop/on-resolve";
import type { GraphQLResolveInfo } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ExecutionBudget } from "../config/index.js";
import { GatehouseError } from "../errors.js";
import { toGraphQLError } from "./errors.js";


interface Budget {
  /** Aborted with the GraphQLError to answer; undefined for subscription events (they throw instead). */
  controller?: AbortController;
  deadline: number;
  values: number;
}

// Keyed by the operation's context: resolvers are wrapped once per schema, whichever server built it.
const budgets = new WeakMap<object, Budget>();

function timedOut(limits: ExecutionBudget) {
  return toGraphQLError(
    new GatehouseError("OPERATION_TIMEOUT", `The operation did not finish within ${limits.timeoutMs} ms.`, {
      details: { timeoutMs: limits.timeoutMs },
    }),
  );
}

function tooLarge(limits: ExecutionBudget) {
  return toGraphQLError(
    new GatehouseError("RESULT_TOO_LARGE", `The result holds more than ${limits.maxValues} values.`, {
      details: { maxValues: limits.maxValues },
    }),
  );
}

function isSubscriptionEvent(info: GraphQLResolveInfo): boolean {
  return info.operation.operation === "subscription" && info.path.prev === undefined;
}

/** Counts one resolved value against the operation's budget; aborts (or, in an event, throws) past it. */
function spend(budget: Budget, limits: ExecutionBudget, info: GraphQLResolveInfo): void {
  if (!budget.controller && isSubscriptionEvent(info)) {
    budget.deadline = Date.now() + limits.timeoutMs;
    budget.values = 0;
  }
  budget.values += 1;
  const exceeded =
    budget.values > limits.maxValues ? tooLarge(limits) : Date.now() > budget.deadline ? timedOut(limits) : undefined;
  if (!exceeded) return;
  if (!budget.controller) throw exceeded;
  if (!budget.controller.signal.aborted) budget.controller.abort(exceeded);
  throw exceeded;
}

export function useExecutionBudget(limits: ExecutionBudget): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        useOnResolve(({ context, info }) => {
          const budget = budgets.get(context as object);
          if (budget) spend(budget, limits, info);
        }),
      );
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const controller = new AbortController();
      const budget: Budget = { controller, deadline: Date.now() + limits.timeoutMs, values: 0 };
      budgets.set(args.contextValue as object, budget);
      const timer = setTimeout(() => controller.abort(timedOut(limits)), limits.timeoutMs);
      // The executor (@graphql-tools/executor) stops starting fields once the signal aborts.
      Object.assign(args, { signal: controller.signal });
      setExecuteFn(async (executeArgs) => {
        try {
          return await executeFn(executeArgs);
        } catch (error) {
          if (controller.signal.aborted && error === controller.signal.reason) return { data: null, errors: [error] };
          throw error;
        } finally {
          clearTimeout(timer);
        }
      });
    },
    onSubscribe({ args }) {
      budgets.set(args.contextValue as object, { deadline: Date.now() + limits.timeoutMs, values: 0 });
    },
  };
}
