// One life cycle for the tests that drive a Gatehouse server: a server over a fresh database starts
// before the file's tests, an admin caller (management token, scope `all`) and the fixtures come
// with it, and everything stops after them. Register it once at the top of a test file:
//
//   const gatehouse = useGatehouse();
//   const gql = gatehouse.admin;
//   it("…", async () => { ok(await gql(`{ organizations { totalCount } }`)); gatehouse.fixtures.user(); });
import { afterAll, beforeAll } from "vitest";
import { fixtures } from "./fixtures.js";
import { type Caller, admin } from "./graphql.js";
import { type TestServer, type TestServerOptions, startTestServer } from "./server.js";

export type Fixtures = ReturnType<typeof fixtures>;

export interface Gatehouse {
  /** The running server (from the file's `beforeAll` on). */
  readonly server: TestServer;
  /** A management caller with scope `all`; usable as a plain function anywhere in the file. */
  readonly admin: Caller;
  /** Database fixtures on the server's database. */
  readonly fixtures: Fixtures;
}

export function useGatehouse(options: TestServerOptions = {}): Gatehouse {
  let state: { server: TestServer; admin: Caller; fixtures: Fixtures } | undefined;
  beforeAll(async () => {
    const server = await startTestServer(options);
    state = { server, admin: await admin(server), fixtures: fixtures(server.db.prisma) };
  });
  afterAll(() => state?.server.close());
  const started = () => {
    if (!state) throw new Error("useGatehouse(): the server starts in beforeAll; use it inside hooks and tests");
    return state;
  };
  return {
    get server() {
      return started().server;
    },
    admin: (query, variables) => started().admin(query, variables),
    get fixtures() {
      return started().fixtures;
    },
  };
}
