// Operations that explain themselves: every GraphQL operation is logged with its type, name,
// duration, outcome and error codes; Prometheus counts operations by type and outcome and times
// them by type (never labelled with a name); with an OpenTelemetry tracer provider registered,
// each operation is a span — through @opentelemetry/api alone.
import { type Span, type SpanOptions, type Tracer, type TracerProvider, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { caller, ok } from "../support/graphql.js";
import { managementToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

const METRICS_TOKEN = "m".repeat(32);

/** The spans a tracer provider was asked for: what an OpenTelemetry SDK would export. */
interface RecordedSpan {
  name: string;
  attributes: Record<string, unknown>;
  status?: { code: number; message?: string };
  ended: boolean;
}
const spans: RecordedSpan[] = [];

function recordingSpan(recorded: RecordedSpan): Span {
  const span = {
    spanContext: () => ({ traceId: "0".repeat(31) + "1", spanId: "0".repeat(15) + "1", traceFlags: 1 }),
    setAttribute: (key: string, value: unknown) => ((recorded.attributes[key] = value), span),
    setAttributes: (attributes: Record<string, unknown>) => (Object.assign(recorded.attributes, attributes), span),
    addEvent: () => span,
    addLink: () => span,
    addLinks: () => span,
    setStatus: (status: { code: number; message?: string }) => ((recorded.status = status), span),
    updateName: (name: string) => ((recorded.name = name), span),
    end: () => void (recorded.ended = true),
    isRecording: () => true,
    recordException: () => {},
  };
  return span as unknown as Span;
}

const provider: TracerProvider = {
  getTracer: (): Tracer =>
    ({
      startSpan(name: string, options?: SpanOptions) {
        const recorded: RecordedSpan = { name, attributes: { ...options?.attributes }, ended: false };
        spans.push(recorded);
        return recordingSpan(recorded);
      },
      startActiveSpan() {
        throw new Error("not used");
      },
    }) as unknown as Tracer,
};

const logs: Record<string, any>[] = [];
let server: TestServer;
let admin: ReturnType<typeof caller>;

beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  server = await startTestServer({
    env: { GATEHOUSE_METRICS_TOKEN: METRICS_TOKEN },
    logger: createLogger("info", { write: (line: string) => void logs.push(JSON.parse(line)) }),
  });
  admin = caller(server, await managementToken(server, "organizations:read organizations:write"));
}, 180_000);
afterAll(async () => {
  await server?.close();
  trace.disable();
});

const operationLogs = (name: string) => logs.filter((entry) => entry.msg === "graphql operation" && entry.graphql.name === name);

async function metric(line: RegExp): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const match = text.split("\n").find((candidate) => line.test(candidate));
  return match ? Number(match.split(" ").at(-1)) : 0;
}

describe("GraphQL operations", () => {
  it("are logged with type, name, duration, outcome and error codes", async () => {
    ok(await admin("query ListOrganizations { organizations { totalCount } }"));
    await admin("query ReadUsers { users { totalCount } }");
    await admin(`mutation BadCreate { createOrganization(input: { name: "" }) { id } }`);
    await admin("query Broken { nothingHere }");

    expect(operationLogs("ListOrganizations")).toEqual([
      expect.objectContaining({ graphql: { type: "query", name: "ListOrganizations", durationMs: expect.any(Number), outcome: "ok", errorCodes: [] } }),
    ]);
    expect(operationLogs("ReadUsers")[0]!.graphql).toMatchObject({ type: "query", outcome: "error", errorCodes: ["FORBIDDEN"] });
    expect(operationLogs("BadCreate")[0]!.graphql).toMatchObject({ type: "mutation", outcome: "error", errorCodes: ["BAD_USER_INPUT"] });
    expect(operationLogs("Broken")[0]!.graphql).toMatchObject({ type: "query", outcome: "error", errorCodes: ["GRAPHQL_VALIDATION_FAILED"] });
    // Variables and documents stay out of the logs.
    expect(JSON.stringify(logs)).not.toContain("nothingHere");
  });

  it("are counted by type and outcome and timed by type in Prometheus, without their names", async () => {
    const okBefore = await metric(/^gatehouse_graphql_operations_total\{type="query",outcome="ok"\}/);
    const partialBefore = await metric(/^gatehouse_graphql_operations_total\{type="query",outcome="partial"\}/);
    const timedBefore = await metric(/^gatehouse_graphql_operation_duration_seconds_count\{type="query"\}/);
    ok(await admin("query CountMe { organizations { totalCount } }"));
    const partial = await admin("query SomeRefused { organizations { totalCount } user(id: \"nobody\") { id } }");
    expect(partial.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    expect(await metric(/^gatehouse_graphql_operations_total\{type="query",outcome="ok"\}/)).toBe(okBefore + 1);
    expect(await metric(/^gatehouse_graphql_operations_total\{type="query",outcome="partial"\}/)).toBe(partialBefore + 1);
    expect(await metric(/^gatehouse_graphql_operation_duration_seconds_count\{type="query"\}/)).toBe(timedBefore + 2);
    expect(await metric(/^gatehouse_graphql_operations_total\{type="mutation",outcome="error"\}/)).toBeGreaterThanOrEqual(1);
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).not.toContain("CountMe");
    expect(text).not.toContain("SomeRefused");
  });

  it("are spans when an OpenTelemetry tracer provider is registered", async () => {
    ok(await admin("query Traced { organizations { totalCount } }"));
    await admin("query TracedRefusal { users { totalCount } }");
    expect(spans.find((span) => span.name === "query Traced")).toEqual({
      name: "query Traced",
      attributes: { "graphql.operation.type": "query", "graphql.operation.name": "Traced" },
      ended: true,
    });
    expect(spans.find((span) => span.name === "query TracedRefusal")).toMatchObject({
      attributes: { "gatehouse.graphql.error_codes": ["FORBIDDEN"] },
      status: { code: 2, message: "FORBIDDEN" },
      ended: true,
    });
  });
});
