// Prometheus metrics: the process (prom-client's defaults), HTTP requests, GraphQL operations by
// type and outcome, token decisions and open subscriptions. Labels stay few and bounded: never an
// operation's name, id or client-chosen text.
// Served at /metrics only when GATEHOUSE_METRICS_TOKEN is set, to callers presenting it.
import { timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { bearerToken } from "../auth/bearer.js";
import type { OperationSummary } from "../graphql/observability.js";

export interface MetricsSources {
  /** How many subscriptions are open now. */
  openSubscriptions: () => number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Histogram({
    name: "gatehouse_http_request_duration_seconds",
    help: "HTTP requests by route, method and status.",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: "gatehouse_token_requests_total",
    help: "Token endpoint decisions by grant type and outcome (`issued` or the OAuth error code).",
    labelNames: ["grant_type", "outcome"] as const,
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: "gatehouse_graphql_operations_total",
    help: "GraphQL operations by type (query, mutation, subscription, unknown) and outcome (ok, partial, error).",
    labelNames: ["type", "outcome"] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: "gatehouse_graphql_operation_duration_seconds",
    help: "GraphQL operation execution time by type (a subscription: until its stream opens).",
    labelNames: ["type"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  recordOperation(operation: OperationSummary): void {
    this.graphqlOperations.inc({ type: operation.type, outcome: operation.outcome });
    this.graphqlDuration.observe({ type: operation.type }, operation.durationMs / 1000);
  }

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: "gatehouse_" });
    new Gauge({
      name: "gatehouse_subscriptions_open",
      help: "GraphQL subscriptions streaming in this process.",
      registers: [this.registry],
      collect() {
        this.set(sources.openSubscriptions());
      },
    });
  }
}

/** Whether an Authorization header carries exactly `token` as a bearer token (constant time). */
export function presentsToken(header: string | undefined, token: string): boolean {
  const given = Buffer.from(bearerToken(header) ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
