// What GraphQL operations did, for logs, metrics and traces: each executed operation (and each
// subscription's start) is summarized once — type, name, duration, outcome and error codes — and
// handed to `onOperation` (the server logs it and counts it in Prometheus). With an OpenTelemetry
// tracer provider registered in the process (an SDK the operator sets up, for example with
// `node --import`), each operation is also a span; without one, the API's tracer does nothing.
// Only @opentelemetry/api is used: Gatehouse ships no SDK and exports nothing by itself.
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { type DocumentNode, type ExecutionResult, GraphQLError, getOperationAST } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { GatehouseError } from "../errors.js";
import { version } from "../version.js";

export type OperationType = "query" | "mutation" | "subscription" | "unknown";
/** `ok`: no error; `partial`: data and errors (refused fields); `error`: errors and no data. */
export type OperationOutcome = "ok" | "partial" | "error";

export interface OperationSummary {
  type: OperationType;
  /** The operation's name as the client wrote it; undefined for anonymous operations. */
  name: string | undefined;
  durationMs: number;
  outcome: OperationOutcome;
  /** The `extensions.code` of each error, in order, repeated codes once. */
  errorCodes: string[];
}

const tracer = trace.getTracer("gatehouse", version);

function describeOperation(document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName);
  return { type: (operation?.operation ?? "unknown") as OperationType, name: operation?.name?.value };
}

function errorCode(error: unknown, fallback = "INTERNAL_SERVER_ERROR"): string {
  if (error instanceof GraphQLError) {
    if (typeof error.extensions?.code === "string") return error.extensions.code;
    if (error.originalError instanceof GatehouseError) return error.originalError.code;
  }
  if (error instanceof GatehouseError) return error.code;
  return fallback;
}

function summarize(result: ExecutionResult): Pick<OperationSummary, "outcome" | "errorCodes"> {
  const errors = result.errors ?? [];
  const errorCodes = [...new Set(errors.map((error) => errorCode(error)))];
  if (errors.length === 0) return { outcome: "ok", errorCodes };
  const hasData = result.data !== null && result.data !== undefined;
  return { outcome: hasData ? "partial" : "error", errorCodes };
}

/** Starts a span for the operation (a no-op without a registered tracer provider) and returns how to end it. */
function startOperation(type: OperationType, name: string | undefined, onOperation: (summary: OperationSummary) => void) {
  const started = performance.now();
  const span = tracer.startSpan(name ? `${type} ${name}` : type, {
    kind: SpanKind.SERVER,
    attributes: { "graphql.operation.type": type, ...(name ? { "graphql.operation.name": name } : {}) },
  });
  return (result: ExecutionResult) => {
    const summary: OperationSummary = { type, name, durationMs: performance.now() - started, ...summarize(result) };
    if (summary.errorCodes.length > 0) span.setAttribute("gatehouse.graphql.error_codes", summary.errorCodes);
    if (summary.outcome === "error") span.setStatus({ code: SpanStatusCode.ERROR, message: summary.errorCodes.join(",") });
    span.end();
    onOperation(summary);
  };
}

export function useOperationObservability(onOperation: (summary: OperationSummary) => void): Plugin {
  return {
    onExecute({ args }) {
      const { type, name } = describeOperation(args.document, args.operationName);
      const end = startOperation(type, name, onOperation);
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) end(result);
        },
      };
    },
    onSubscribe({ args }) {
      const { type, name } = describeOperation(args.document, args.operationName);
      const end = startOperation(type, name, onOperation);
      return {
        // The subscription's start: refused ones end here with their error; open ones with no error.
        onSubscribeResult({ result }) {
          end(isAsyncIterable(result) ? {} : result);
        },
        onSubscribeError({ error }) {
          end({ errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] });
        },
      };
    },
    // Operations that never run: rejected at validation (limits, cost, unknown fields).
    onValidate({ params }) {
      const started = performance.now();
      return ({ valid, result }) => {
        if (valid) return;
        const { type, name } = describeOperation(params.documentAST, undefined);
        const errorCodes = [...new Set(result.map((error) => errorCode(error, "GRAPHQL_VALIDATION_FAILED")))];
        onOperation({ type, name, durationMs: performance.now() - started, outcome: "error", errorCodes });
      };
    },
  };
}
