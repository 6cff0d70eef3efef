// "Someone else's subgraph": a billing service that extends Gatehouse's Organization entity with
// its plan. Written the way another team would, with plain graphql-js and @apollo/subgraph (no
// Pothos), and served by graphql-yoga on a free port.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { createYoga } from "graphql-yoga";

export const BILLING_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Organization @key(fields: "id") {
    id: ID!
    plan: String!
  }

  type Query {
    "The organization that pays the most; billing knows only its id."
    biggestCustomer: Organization
  }
`;

export interface BillingData {
  /** Plan by organization id. */
  plans: Record<string, string>;
  biggestCustomerId: string;
}

export interface BillingSubgraph {
  url: string;
  close(): Promise<void>;
}

function billingSchema(data: BillingData) {
  const planOf = ({ id }: { id: string }) => ({ id, plan: data.plans[id] ?? "free" });
  return buildSubgraphSchema({
    typeDefs: parse(BILLING_SDL),
    resolvers: {
      Query: { biggestCustomer: () => planOf({ id: data.biggestCustomerId }) },
      Organization: { __resolveReference: planOf },
    },
  });
}

export async function startBillingSubgraph(data: BillingData): Promise<BillingSubgraph> {
  const yoga = createYoga({ schema: billingSchema(data), graphqlEndpoint: "/graphql", graphiql: false, logging: false });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
