// `npm run supergraph`: composes Gatehouse's subgraph schema (schema.graphql) and any other
// subgraphs into supergraph.graphql, the file docker-compose's gateway (and any router) serves.
import { readFile, writeFile } from "node:fs/promises";
import { Command } from "commander";
import { CompositionError, composeSupergraph, type SubgraphSource } from "./compose-supergraph.js";

const GATEHOUSE_SDL = new URL("../schema.graphql", import.meta.url);

/** `name,url,file` → the subgraph, its SDL read from the file. */
async function otherSubgraph(spec: string): Promise<SubgraphSource> {
  const [name, url, file] = spec.split(",");
  if (!name || !url || !file) throw new Error(`--subgraph takes name,url,file (got ${JSON.stringify(spec)})`);
  return { name, url, sdl: await readFile(file, "utf8") };
}

const program = new Command("supergraph")
  .description("Compose Gatehouse's subgraph schema, and other subgraphs', into a supergraph.")
  .option("--gatehouse-url <url>", "where the router reaches Gatehouse's /graphql", "http://gatehouse:4000/graphql")
  .option("--subgraph <name,url,file>", "another subgraph (repeatable)", (spec: string, specs: string[]) => [...specs, spec], [])
  .option("-o, --output <file>", "where to write the supergraph", "supergraph.graphql")
  .action(async (options: { gatehouseUrl: string; subgraph: string[]; output: string }) => {
    const subgraphs = [
      { name: "gatehouse", url: options.gatehouseUrl, sdl: await readFile(GATEHOUSE_SDL, "utf8") },
      ...(await Promise.all(options.subgraph.map(otherSubgraph))),
    ];
    const supergraph = composeSupergraph(subgraphs);
    for (const hint of supergraph.hints) console.error(`hint: ${hint}`);
    await writeFile(options.output, supergraph.sdl);
    console.error(`Wrote ${options.output} (${subgraphs.map((subgraph) => subgraph.name).join(", ")}).`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof CompositionError ? error.message : error);
  process.exitCode = 1;
});
