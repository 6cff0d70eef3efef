// What tests read from README.md, so that the examples a reader copies are the ones that run.
import { readFile } from "node:fs/promises";

/** The README's example query: the first GraphQL block of its quick start. */
export async function readmeExampleQuery(): Promise<string> {
  const readme = await readFile("README.md", "utf8");
  const quickStart = readme.slice(readme.indexOf("## Quick start"));
  const query = /```graphql\n([\s\S]*?)```/.exec(quickStart)?.[1];
  if (!query) throw new Error("README.md's quick start has no GraphQL example");
  return query.trim();
}
