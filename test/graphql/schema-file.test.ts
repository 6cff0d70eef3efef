// schema.graphql is generated (`npm run schema`) and committed: it must match the code.
import { readFile, readdir } from "node:fs/promises";
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

describe("the schema's source", () => {
  const sources = async () => {
    const folder = new URL("../../src/graphql/schema/", import.meta.url);
    const files = (await readdir(folder)).filter((name) => name.endsWith(".ts"));
    return (await Promise.all(files.map((name) => readFile(new URL(name, folder), "utf8")))).join("\n");
  };

  it("declares every query, mutation and subscription by its real name (grep finds each one)", async () => {
    const schema = buildSchema();
    const source = await sources();
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
    const names = roots.flatMap((root) => Object.keys(root?.getFields() ?? {})).filter((name) => !name.startsWith("_"));
    expect(names.length).toBeGreaterThan(60);
    const declared = (name: string) => new RegExp(`(\\b${name}: t\\.|Field\\("${name}")`).test(source);
    expect(names.filter((name) => !declared(name))).toEqual([]);
  });

  it("needs no `as never` casts to type its resolvers", async () => {
    expect((await sources()).match(/\bas never\b/g) ?? []).toEqual([]);
  });
});
