import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql must load once: Vite would resolve ESM `graphql` to index.mjs while CommonJS
    // dependencies (@apollo/subgraph) load index.js, and schema objects from the two realms clash.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    // One test file per core. Vitest's default, one fewer than the cores, ran the files one at a time
    // on CI's two cores, where a file spends much of its time waiting (for the processes, browsers
    // and sockets it starts, for PostgreSQL, for its timeouts) rather than computing.
    maxWorkers: availableParallelism(),
    // Generous: tests spawn processes, browsers and servers, and CI machines are sometimes shared
    // and loaded. Nothing asserts on wall-clock time; a timeout only ends a stuck test.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
