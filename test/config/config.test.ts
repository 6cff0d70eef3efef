import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, maskUrlPasswords } from "../../src/config/index.js";

describe("loadConfig", () => {
  it("defaults to the embedded database on localhost:4000", () => {
    const config = loadConfig({});
    expect(config.server).toEqual({
      host: "127.0.0.1",
      port: 4000,
      shutdownTimeoutMs: 10_000,
      maxBodyBytes: 1_048_576,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      idleTimeoutMs: 60_000,
    });
    expect(config.database).toEqual({ kind: "embedded", dataDir: resolve(".gatehouse") });
    expect(config.migrateOnStart).toBe(true);
    expect(config.logLevel).toBe("info");
  });

  it("limits GraphQL operations by default, with limits a relay client and a router stay within", () => {
    expect(loadConfig({}).graphql.limits).toEqual({ maxDepth: 15, maxAliases: 30, maxTokens: 2000, maxCost: 20_000 });
    expect(loadConfig({ GATEHOUSE_MAX_DEPTH: "8", GATEHOUSE_MAX_COST: "500" }).graphql.limits).toMatchObject({ maxDepth: 8, maxCost: 500 });
    expect(() => loadConfig({ GATEHOUSE_MAX_ALIASES: "0" })).toThrow(/GATEHOUSE_MAX_ALIASES must be between 1 and 1000/);
  });

  it("refuses a headers timeout longer than the request timeout, which would never apply", () => {
    expect(() => loadConfig({ GATEHOUSE_HEADERS_TIMEOUT_MS: "20000", GATEHOUSE_REQUEST_TIMEOUT_MS: "10000" })).toThrow(
      /GATEHOUSE_HEADERS_TIMEOUT_MS must not exceed GATEHOUSE_REQUEST_TIMEOUT_MS/,
    );
  });

  it("reads the CORS allow-list of /graphql: none by default, origins, or any", () => {
    expect(loadConfig({}).graphql.corsOrigins).toEqual([]);
    expect(loadConfig({ GATEHOUSE_CORS_ORIGINS: "https://app.example.com, http://localhost:5173" }).graphql.corsOrigins).toEqual([
      "https://app.example.com",
      "http://localhost:5173",
    ]);
    expect(loadConfig({ GATEHOUSE_CORS_ORIGINS: "*" }).graphql.corsOrigins).toBe("*");
    expect(() => loadConfig({ GATEHOUSE_CORS_ORIGINS: "https://app.example.com/" })).toThrow(/GATEHOUSE_CORS_ORIGINS must be `\*` or origins/);
    expect(() => loadConfig({ GATEHOUSE_CORS_ORIGINS: "app.example.com" })).toThrow(/GATEHOUSE_CORS_ORIGINS/);
  });

  it("switches to PostgreSQL when DATABASE_URL is set, with a configurable pool and the operation deadline per statement", () => {
    const config = loadConfig({ DATABASE_URL: "postgresql://db.internal:5432/gatehouse", DATABASE_POOL_SIZE: "25" });
    expect(config.database).toEqual({ kind: "postgres", url: "postgresql://db.internal:5432/gatehouse", poolSize: 25, statementTimeoutMs: 10_000 });
    expect(loadConfig({ DATABASE_URL: "postgresql://db/g", GATEHOUSE_OPERATION_TIMEOUT_MS: "2500" }).database).toMatchObject({ statementTimeoutMs: 2500 });
  });

  it("lets CLI flags override the environment", () => {
    const config = loadConfig(
      { PORT: "5000", GATEHOUSE_DATA_DIR: "/var/lib/a" },
      { port: "6000", dataDir: "/var/lib/b", migrateOnStart: "false" },
    );
    expect(config.server.port).toBe(6000);
    expect(config.database).toEqual({ kind: "embedded", dataDir: "/var/lib/b" });
    expect(config.migrateOnStart).toBe(false);
  });

  it("keeps memory:// data directories as they are", () => {
    expect(loadConfig({ GATEHOUSE_DATA_DIR: "memory://" }).database).toEqual({ kind: "embedded", dataDir: "memory://" });
  });

  it("names every invalid variable, and what is wrong with it", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "http", DATABASE_URL: "mysql://x/y", LOG_LEVEL: "loud", GATEHOUSE_MIGRATE_ON_START: "maybe" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems).toContain('PORT must be a number (got "http")');
    expect(problems).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql://x/y")');
    expect(problems.find((p) => p.startsWith("LOG_LEVEL"))).toMatch(/one of fatal, error/);
    expect(problems).toContain('GATEHOUSE_MIGRATE_ON_START must be true or false (got "maybe")');
  });

  it("never shows a secret option's value, nor a URL's password", () => {
    const secret = "k".repeat(40);
    expect(() => loadConfig({ GATEHOUSE_SECRET: `${secret},tiny`, GATEHOUSE_METRICS_TOKEN: "short" })).toThrow(
      expect.objectContaining({
        problems: [
          "GATEHOUSE_SECRET must have 32+ characters in each secret; secret 2 of 2 has 4 (value hidden: it is a secret)",
          "GATEHOUSE_METRICS_TOKEN must be at least 16 characters (value hidden: it is a secret)",
        ],
      }),
    );
    expect(maskUrlPasswords("postgresql://app:p@ss/w0rd@db:5432/app")).toBe("postgresql://app:***@db:5432/app");
    expect(maskUrlPasswords("postgresql://db/app?user=app&password=pw&sslmode=require")).toBe(
      "postgresql://db/app?user=app&password=***&sslmode=require",
    );
    expect(maskUrlPasswords("https://id.example.com:8443/realms/a")).toBe("https://id.example.com:8443/realms/a");
  });

  it("names the flag, not the variable, when the bad value came from a flag", () => {
    expect(() => loadConfig({}, { port: "70000" })).toThrow(/--port must be between 0 and 65535 \(got "70000"\)/);
  });
});
