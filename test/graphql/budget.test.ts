// The backstops behind the cost estimate: a deadline per operation and a cap on the values it
// resolves, each stopping execution with its own code; subscription events are bounded one by one.
import { type GraphQLError, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { createYoga } from "graphql-yoga";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/errors.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { useExecutionBudget } from "../../src/graphql/budget.js";
import { maskError } from "../../src/graphql/errors.js";
import { fixtures } from "../support/fixtures.js";
import { managementToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

const Item = new GraphQLObjectType({ name: "Item", fields: { n: { type: new GraphQLNonNull(GraphQLInt) } } });
let stalled = 0;
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      quick: { type: GraphQLString, resolve: () => "done" },
      // Never answers: only the deadline ends the operation.
      stalled: {
        type: GraphQLString,
        resolve: () => {
          stalled += 1;
          return new Promise(() => {});
        },
      },
      items: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Item))),
        args: { count: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: (_, { count }: { count: number }) => Array.from({ length: count }, (_, n) => ({ n })),
      },
    },
  }),
  subscription: new GraphQLObjectType({
    name: "Subscription",
    fields: {
      batches: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Item))),
        subscribe: async function* () {
          for (const count of [3, 50, 3]) yield count;
        },
        resolve: (count: number) => Array.from({ length: count }, (_, n) => ({ n })),
      },
    },
  }),
});

const yoga = createYoga({ schema, plugins: [useExecutionBudget({ timeoutMs: 200, maxValues: 20 })], logging: false });

async function run(query: string) {
  const response = await yoga.fetch("http://test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } };
}

describe("execution budget", () => {
  it("answers within the budget as usual", async () => {
    expect(await run("{ quick items(count: 5) { n } }")).toEqual({
      status: 200,
      body: { data: { quick: "done", items: [0, 1, 2, 3, 4].map((n) => ({ n })) } },
    });
  });

  it("stops an operation past its deadline: data null and OPERATION_TIMEOUT", async () => {
    const { status, body } = await run("{ quick stalled }");
    expect(stalled).toBe(1);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [{ message: "The operation did not finish within 200 ms.", extensions: { code: "OPERATION_TIMEOUT", details: { timeoutMs: 200 } } }],
    });
  });

  it("stops an operation that resolves more values than allowed: RESULT_TOO_LARGE", async () => {
    const { status, body } = await run("{ items(count: 1000) { n } }");
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors?.map((error) => error.extensions)).toEqual([{ code: "RESULT_TOO_LARGE", details: { maxValues: 20 } }]);
  });

  it("bounds each subscription event, not the stream: the large event fails, the next one passes", async () => {
    const response = await yoga.fetch("http://test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "subscription { batches { n } }" }),
    });
    const events = (await response.text())
      .split("\n")
      .filter((line) => line.startsWith("data: ") && line !== "data: ")
      .map((line) => JSON.parse(line.slice(6)) as { data?: { batches: unknown[] } | null; errors?: { extensions?: { code?: string } }[] });
    expect(events.map((event) => event.data?.batches.length ?? event.errors?.[0]?.extensions?.code)).toEqual([3, "RESULT_TOO_LARGE", 3]);
  });

  it("reports a statement PostgreSQL cancelled at the deadline as OPERATION_TIMEOUT", () => {
    const cancelled = new Prisma.PrismaClientKnownRequestError("Raw query failed. Code: `57014`. Message: `canceling statement due to statement timeout`", {
      code: "P2010",
      clientVersion: Prisma.prismaVersion.client,
      meta: { driverAdapterError: { cause: { originalCode: "57014" } } },
    });
    expect((maskError(cancelled, "Unexpected error.") as GraphQLError).toJSON()).toEqual({
      message: "A database statement ran past the operation's deadline and was cancelled.",
      extensions: { code: "OPERATION_TIMEOUT" },
    });
    expect((maskError(new GatehouseError("NOT_FOUND", "No."), "Unexpected error.") as GraphQLError).toJSON().extensions).toEqual({ code: "NOT_FOUND" });
  });
});

describe("execution budget on the server", () => {
  let server: TestServer;
  let organizationId: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { GATEHOUSE_MAX_RESULT_VALUES: "10" } });
    const f = fixtures(server.db.prisma);
    organizationId = (await f.organization()).id;
    for (let i = 0; i < 4; i += 1) await f.member(organizationId, (await f.user()).id);
  });
  afterAll(() => server.close());

  it("caps the values of a members page the cost limit lets through", async () => {
    const response = await server.graphql(`query ($id: ID!) { organization(id: $id) { members { edges { node { user { id name } } } } } }`, {
      variables: { id: organizationId },
      token: await managementToken(server, "organizations:read"),
    });
    expect(response.data).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["RESULT_TOO_LARGE"]);
  });

  it("gives PostgreSQL statements the operation deadline as statement_timeout", async () => {
    const [setting] = await server.db.prisma.$queryRawUnsafe<{ statement_timeout: string }[]>("SHOW statement_timeout");
    expect(setting?.statement_timeout).toBe(server.db.kind === "postgres" ? "10s" : "0");
  });
});
