// Hive Gateway (its runtime, in this process) on a free port, in front of a supergraph: the real
// gateway the federation tests query through. It forwards the caller's Authorization header to
// every subgraph, records the operations it sends them, and, with `enforceScopes`, verifies the
// token against Gatehouse's JWKS and enforces @authenticated / @requiresScopes itself.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createGatewayRuntime, type GatewayConfigSupergraph, type GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { print } from "graphql";
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { GraphQLResponse } from "./server.js";

export interface SubgraphOperation {
  subgraph: string;
  document: string;
}

export interface TestGateway {
  url: string;
  /** Every operation the gateway sent to a subgraph, in order. */
  subgraphOperations: SubgraphOperation[];
  graphql<Data = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string },
  ): Promise<GraphQLResponse<Data>>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  supergraph: string;
  /** Gatehouse's issuer: with it, the gateway verifies tokens and enforces the auth directives. */
  enforceScopesFor?: { issuer: string; jwksUrl: string };
}

function recordSubgraphOperations(operations: SubgraphOperation[]): GatewayPlugin {
  return {
    onSubgraphExecute({ subgraphName, executionRequest }) {
      operations.push({ subgraph: subgraphName, document: print(executionRequest.document) });
    },
  };
}

/** The claims of a valid Gatehouse token, or null without one; verification throws on a bad token. */
function verifiedClaims(issuer: string, jwksUrl: string) {
  const keys = createRemoteJWKSet(new URL(jwksUrl));
  return async ({ request }: { request: Request }): Promise<JWTPayload | null> => {
    const token = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    if (!token) return null;
    return (await jwtVerify(token, keys, { issuer })).payload;
  };
}

function gatewayConfig({ supergraph, enforceScopesFor }: TestGatewayOptions, operations: SubgraphOperation[]) {
  const config: GatewayConfigSupergraph = {
    supergraph,
    logging: false,
    // Hive's runtime does not bring its HTTP transport (stack-notes G9).
    transports: { http: import("@graphql-mesh/transport-http") },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => {
        const authorization = request.headers.get("authorization");
        return authorization ? { authorization } : {};
      },
    },
    plugins: () => [recordSubgraphOperations(operations)],
  };
  if (!enforceScopesFor) return config;
  return {
    ...config,
    genericAuth: {
      mode: "protect-granular",
      resolveUserFn: verifiedClaims(enforceScopesFor.issuer, enforceScopesFor.jwksUrl),
      // Like Apollo Router's default: refused fields become null with an error; the rest runs.
      rejectUnauthenticated: false,
    },
  } satisfies GatewayConfigSupergraph;
}

export async function startGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const subgraphOperations: SubgraphOperation[] = [];
  const runtime = createGatewayRuntime(gatewayConfig(options, subgraphOperations));
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    subgraphOperations,
    async graphql(query, { variables, token } = {}) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    // The runtime's SIGTERM/SIGINT listeners dispose it but never exit (stack-notes G10), so a
    // test must dispose it and close its server itself; then nothing is left open.
    async close() {
      await runtime.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
