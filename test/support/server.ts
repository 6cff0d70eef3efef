// A real Gatehouse HTTP server on a free port, over a fresh test database.
import type { Config } from "../../src/config/index.js";
import { createLogger } from "../../src/logger.js";
import { type RunningServer, startServer } from "../../src/server.js";
import { createTestDatabase } from "./database.js";

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestServer extends RunningServer {
  graphql<Data = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string },
  ): Promise<GraphQLResponse<Data>>;
  close(): Promise<void>;
}

export async function startTestServer(configure: (config: Config) => Config = (config) => config): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = configure({
    server: { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 5_000 },
    database: database.config,
    migrateOnStart: true,
    logLevel: "silent",
  });
  const server = await startServer(config, createLogger(config.logLevel), { database: database.options });
  return {
    ...server,
    async graphql(query, { variables, token } = {}) {
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}
