// schema.graphql is generated (`npm run schema`) and committed: it must match the code.
import { readFile } from "node:fs/promises";
import { printSubgraphSchema } from "@apollo/subgraph";
import { describe, expect, it } from "vitest";
import { buildSchema } from "../../src/graphql/schema/index.js";

describe("schema.graphql", () => {
  it("is what the code prints (run `npm run schema` after changing the schema)", async () => {
    const committed = await readFile(new URL("../../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(`${printSubgraphSchema(buildSchema())}\n`);
  });

  it("links Federation v2 with the auth directives", async () => {
    const committed = await readFile(new URL("../../schema.graphql", import.meta.url), "utf8");
    expect(committed).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(committed).toContain('"@requiresScopes"');
    expect(committed).toContain('"@authenticated"');
  });
});

describe("the executable schema", () => {
  it("keeps every directive GraphQL specifies next to Gatehouse's own", () => {
    const names = buildSchema()
      .getDirectives()
      .map((directive) => directive.name);
    expect(names).toEqual(expect.arrayContaining(["include", "skip", "deprecated", "specifiedBy", "oneOf", "organizationScoped"]));
  });
});
