// Loaded with `node --import` before products.ts. This folder's node_modules holds a second copy of
// graphql (and graphql-yoga) for the harness, and Node resolves bare imports from the nearest
// node_modules, so the trace plugin and products.ts itself would get that copy while Pothos and the
// schema use the repository's: graphql then fails with "Cannot use GraphQLSchema from another module
// or realm". These hooks resolve `graphql` and `graphql-yoga` from the repository root for every ESM
// import, so the process has one graphql. (CommonJS requires are not hooked; the only ones of graphql
// come from packages in the root node_modules, which resolve there anyway.)
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";

const repositoryRoot = new URL("../../package.json", import.meta.url).href;
const shared = /^(graphql|graphql-yoga)(\/|$)/;

export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, shared.test(specifier) ? { ...context, parentURL: repositoryRoot } : context);
}

// Module hooks run on a separate thread, which loads this file again: register only once.
if (isMainThread) register(import.meta.url);
