// The Gatehouse schema: each module registers its types on the shared builder.
import type { GraphQLSchema } from "graphql";
import { type Builder, builder } from "../builder.js";
import "./scalars.js";
import "./server.js";

/** Federation v2.6 is the first with @authenticated, @requiresScopes and @policy together. */
export const FEDERATION_LINK = "https://specs.apollo.dev/federation/v2.6";

/** Builds the executable subgraph schema. Fails when a field has no authorization rule. */
export function buildSchema(from: Builder = builder): GraphQLSchema {
  return from.toSubGraphSchema({
    linkUrl: FEDERATION_LINK,
    federationDirectives: ["@key", "@shareable", "@authenticated", "@requiresScopes"],
  });
}
