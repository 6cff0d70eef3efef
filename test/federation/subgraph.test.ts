// Gatehouse as a Federation v2 subgraph: its `_service { sdl }` is the committed schema.graphql,
// with @link, the @key of its entities and the authorization directives, and it keeps answering
// when introspection is off (production mode). `_entities` authorization: test/graphql/authorization.test.ts.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

let production: TestServer;

beforeAll(async () => {
  production = await startTestServer({
    env: {
      GATEHOUSE_MODE: "production",
      GATEHOUSE_ISSUER: "https://gatehouse.example.test",
      GATEHOUSE_SECRET: "a-production-secret-of-at-least-32-characters",
    },
  });
});
afterAll(() => production.close());

describe("_service { sdl } with introspection disabled", () => {
  it("is refused __schema but serves the subgraph SDL, which is the committed schema.graphql", async () => {
    expect((await production.graphql("{ __schema { queryType { name } } }")).status).toBe(400);
    const response = await production.graphql<{ _service: { sdl: string } }>("{ _service { sdl } }");
    expect(response.errors).toBeUndefined();
    const committed = await readFile(new URL("../../schema.graphql", import.meta.url), "utf8");
    expect(`${response.data?._service.sdl}\n`).toBe(committed);
  });

  it("links Federation v2 and declares Organization an entity with its authorization", async () => {
    const sdl = (await production.graphql<{ _service: { sdl: string } }>("{ _service { sdl } }")).data?._service.sdl;
    expect(sdl).toMatch(/^extend schema\n\s+@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.6", import: \[.*"@key".*"@authenticated".*"@requiresScopes"/);
    expect(sdl).toMatch(
      /type Organization\n\s+@organizationScoped\(scopes: \["read:organization"\]\)\n\s+@key\(fields: "id"\)\n\s+@requiresScopes\(scopes: \[\["all"\], \["organizations:read"\], \["read:organization"\]\]\)/,
    );
    expect(sdl).toContain('customData: JSONObject @requiresScopes(scopes: [["all"], ["organizations:read"]])');
  });
});
