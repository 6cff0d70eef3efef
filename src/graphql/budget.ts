// Backstops behind the cost estimate, which holds only as well as its guesses (a list it sizes at
// 10 may hold 1,000): each query or mutation gets a deadline and a cap on the field values it
// resolves. Either one aborts the execution (no further field starts; the executor stops at once)
// and the response is `data: null` with OPERATION_TIMEOUT or RESULT_TOO_LARGE. A subscription's
// stream is not bounded in time; each of its events is, by the same deadline and cap.
import { type GraphQLResolveInfo, type GraphQLSchema, defaultFieldResolver, isIntrospectionType, isObjectType } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ExecutionBudget } from "../config/index.js";
import { GatehouseError } from "../errors.js";
import { toGraphQLError } from "./errors.js";


interface Budget {
  limits: ExecutionBudget;
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
function spend(budget: Budget, info: GraphQLResolveInfo): void {
  const { limits } = budget;
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

/** Marks a field whose resolver already counts against the budget (a schema is wrapped once). */
const COUNTED = Symbol("gatehouse.budget.counted");

/**
 * Wraps every resolver (introspection's aside) to count its value first. Written here rather than
 * with @envelop/on-resolve: that plugin allocates a hook object and closures for every field it
 * resolves and goes through promise helpers even when nothing is asynchronous — on the member page
 * (2,000 values) it was the largest wrapper in the profile; this is a plain call.
 */
function countResolvedValues(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const marked = field as typeof field & { [COUNTED]?: true };
      if (marked[COUNTED]) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const budget = budgets.get(context as object);
        if (budget) spend(budget, info);
        return resolve(source, args, context, info);
      };
      marked[COUNTED] = true;
    }
  }
}

export function useExecutionBudget(limits: ExecutionBudget): Plugin {
  return {
    onSchemaChange({ schema }) {
      countResolvedValues(schema);
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const controller = new AbortController();
      const budget: Budget = { limits, controller, deadline: Date.now() + limits.timeoutMs, values: 0 };
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
      budgets.set(args.contextValue as object, { limits, deadline: Date.now() + limits.timeoutMs, values: 0 });
    },
  };
}
