// Composes subgraph schemas into a supergraph with Apollo's composition library (what
// `rover supergraph compose` runs): the schema a router or Hive Gateway serves.
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

export interface SubgraphSource {
  name: string;
  /** Where the router sends this subgraph's operations. */
  url: string;
  /** The subgraph's SDL, as `_service { sdl }` (or `gatehouse print-schema`) prints it. */
  sdl: string;
}

export interface Supergraph {
  sdl: string;
  /** Composition's hints: legal, but worth a look. */
  hints: string[];
}

export class CompositionError extends Error {
  constructor(readonly errors: string[]) {
    super(`Composition failed:\n${errors.map((error) => `  - ${error}`).join("\n")}`);
    this.name = "CompositionError";
  }
}

export function composeSupergraph(subgraphs: SubgraphSource[]): Supergraph {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return { sdl: result.supergraphSdl, hints: result.hints.map((hint) => hint.toString()) };
}
