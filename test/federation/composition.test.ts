// Gatehouse's subgraph schema composes with someone else's subgraph that extends Organization
// (Apollo's composition, as `rover supergraph compose` runs it), and its authorization directives
// reach the supergraph a router enforces.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { printSubgraphSchema } from "@apollo/subgraph";
import { describe, expect, it } from "vitest";
import { composeSupergraph } from "../../scripts/compose-supergraph.js";
import { buildSchema } from "../../src/graphql/schema/index.js";
import { BILLING_SDL } from "../support/billing-subgraph.js";
import { runScript } from "../support/cli.js";

const gatehouse = { name: "gatehouse", url: "http://gatehouse.internal/graphql", sdl: printSubgraphSchema(buildSchema()) };
const billing = { name: "billing", url: "http://billing.internal/graphql", sdl: BILLING_SDL };

describe("composition with a subgraph that extends Organization", () => {
  const supergraph = composeSupergraph([gatehouse, billing]);

  it("succeeds without errors or hints", () => {
    expect(supergraph.hints).toEqual([]);
  });

  it("joins Organization from both subgraphs by its key", () => {
    expect(supergraph.sdl).toContain('@join__type(graph: BILLING, key: "id")');
    expect(supergraph.sdl).toContain('@join__type(graph: GATEHOUSE, key: "id")');
    expect(supergraph.sdl).toMatch(/plan: String! @join__field\(graph: BILLING\)/);
  });

  it("carries the authorization directives, linked for SECURITY", () => {
    expect(supergraph.sdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    expect(supergraph.sdl).toMatch(
      /type Organization\n(.*\n)*?\s+@requiresScopes\(scopes: \[\["all"\], \["organizations:read"\], \["read:organization"\]\]\)\n\{/,
    );
    expect(supergraph.sdl).toMatch(
      /customData: JSONObject @join__field\(graph: GATEHOUSE\) @requiresScopes\(scopes: \[\["all"\], \["organizations:read"\]\]\)/,
    );
    expect(supergraph.sdl).toMatch(
      /organization\(id: ID!\): Organization @join__field\(graph: GATEHOUSE\) @requiresScopes\(.*\) @organizationScoped\(scopes: \["read:organization"\]\)/,
    );
  });

  it("keeps @organizationScoped, Gatehouse's composed directive, with its definition", () => {
    expect(supergraph.sdl).toContain('@link(url: "https://specs.gatehouse.dev/organization/v0.1", import: ["@organizationScoped"])');
    expect(supergraph.sdl).toContain("directive @organizationScoped(scopes: [String!]!) on FIELD_DEFINITION | OBJECT");
    expect(supergraph.sdl).toMatch(/type Organization\n(.*\n)*?\s+@organizationScoped\(scopes: \["read:organization"\]\)/);
  });
});

describe("npm run supergraph", () => {
  it("composes the committed schema.graphql and other subgraphs into a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-supergraph-"));
    try {
      const billingFile = join(dir, "billing.graphql");
      await writeFile(billingFile, BILLING_SDL);
      const output = join(dir, "supergraph.graphql");
      const result = await runScript("scripts/supergraph.ts", [
        "--subgraph",
        `billing,http://billing:4001/graphql,${billingFile}`,
        "--output",
        output,
      ]);
      expect(result.stderr).toContain("(gatehouse, billing)");
      expect(result.code).toBe(0);
      const written = await readFile(output, "utf8");
      expect(written).toContain('GATEHOUSE @join__graph(name: "gatehouse", url: "http://gatehouse:4000/graphql")');
      expect(written).toContain('BILLING @join__graph(name: "billing", url: "http://billing:4001/graphql")');
      expect(written).toContain("@requiresScopes");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
