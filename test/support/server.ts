// A real Gatehouse HTTP server on a free port, over a fresh test database.
import { type Config, loadConfig } from "../../src/config/index.js";
import { type Logger, createLogger } from "../../src/logger.js";
import { type RunningServer, startServer } from "../../src/server.js";
import { type TestDatabase, createTestDatabase } from "./database.js";

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

export interface TestServerOptions {
  /** Environment variables, as an operator would set them. */
  env?: Record<string, string>;
  /** Last-minute changes to the loaded configuration. */
  configure?: (config: Config) => Config;
  /** Where the server logs (default: a logger at the configured level). */
  logger?: Logger;
  /** A database to share with other servers (replicas, restarts): the caller drops it. */
  database?: TestDatabase;
}

export async function startTestServer({ env = {}, configure = (config) => config, logger, database: shared }: TestServerOptions = {}): Promise<TestServer> {
  const database = shared ?? (await createTestDatabase());
  const loaded = loadConfig({
    GATEHOUSE_MODE: "development",
    GATEHOUSE_DATA_DIR: "memory://",
    PORT: "0",
    LOG_LEVEL: "silent",
    GATEHOUSE_SHUTDOWN_TIMEOUT_MS: "5000",
    ...env,
  });
  // The test database, with the statement deadline the options give PostgreSQL (as loadConfig does).
  const databaseConfig =
    database.config.kind === "postgres" ? { ...database.config, statementTimeoutMs: loaded.graphql.execution.timeoutMs } : database.config;
  const config = configure({ ...loaded, database: databaseConfig });
  const server = await startServer(config, logger ?? createLogger(config.logLevel), { database: database.options });
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
      if (!shared) await database.drop();
    },
  };
}

/** The SQL statements `server` sends while `work` runs (its own, whoever caused them). */
export async function statementsDuring(server: Pick<TestServer, "db">, work: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const stop = server.db.onQuery((event) => statements.push(event.query));
  try {
    await work();
  } finally {
    stop();
  }
  return statements;
}
