// The Gatehouse schema: each module registers its types on the shared builder.
import { printSubgraphSchema } from "@apollo/subgraph";
import { EntityType, entitiesField, serviceField } from "@apollo/subgraph/dist/types.js";
import { hasResolvableKey } from "@pothos/plugin-federation";
import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLUnionType,
  isObjectType,
  lexicographicSortSchema,
  specifiedDirectives,
} from "graphql";
import { type Builder, builder } from "../builder.js";
import { GATEHOUSE_SPEC_URL, ORGANIZATION_SCOPED, organizationScopedDirective } from "../auth/directives.js";
import "./scalars.js";
import "./server.js";
import "./organization.js";
import "./resources.js";
import "./template.js";
import "./users.js";
import "./applications.js";
import "./members.js";
import "./jit.js";
import "./invitations.js";
import "./viewer.js";
import "./member-organizations.js";
import "./global-roles.js";
import "./audit.js";
import "./changes.js";
import "./subscriptions.js";
import "./webhooks.js";

/** Federation v2.6 is the first with @authenticated, @requiresScopes and @policy together. */
export const FEDERATION_LINK = "https://specs.apollo.dev/federation/v2.6";

const FEDERATION_DIRECTIVES = ["@key", "@shareable", "@authenticated", "@requiresScopes"];

/**
 * The subgraph SDL routers read from `_service { sdl }`, and `gatehouse print-schema` writes to
 * schema.graphql. One place that calls @apollo/subgraph: in the bundle a dynamic `import()` of that
 * CommonJS package yields only a default export (esbuild's code splitting), so the CLI must not
 * import it on its own (test/cli/bundle.test.ts runs the bundle's print-schema).
 */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema);
}

/**
 * Builds the executable subgraph schema. Fails when a field has no authorization rule.
 *
 * What Pothos's `builder.toSubGraphSchema` does (@pothos/plugin-federation 4.4.2, schema-builder.js),
 * but for one thing: `_service { sdl }` is printed on its first query instead of while the schema is
 * built. Pothos prints it at once, and that printing was the largest part of building the schema at
 * every start (docs/performance.md, "Start"), for a field only routers read, at composition.
 * test/federation/subgraph.test.ts checks the SDL is the committed schema.graphql.
 */
export function buildSchema(from: Builder = builder): GraphQLSchema {
  const schema = from.toSchema({
    // `directives` replaces graphql-js's list rather than adding to it: keep @include, @skip,
    // @deprecated, @specifiedBy and @oneOf, which every client and tool expects.
    directives: [...specifiedDirectives, organizationScopedDirective],
    schemaDirectives: { link: { url: GATEHOUSE_SPEC_URL, import: [`@${ORGANIZATION_SCOPED}`] } },
    extensions: {
      directives: [
        { name: "link", args: { url: FEDERATION_LINK, import: [...FEDERATION_DIRECTIVES, "@composeDirective"] } },
        // @organizationScoped survives composition into the supergraph, for routers and readers.
        { name: "composeDirective", args: { name: `@${ORGANIZATION_SCOPED}` } },
      ],
    },
  });
  const queryType = schema.getQueryType();
  if (!queryType) throw new Error("the schema has no Query type");
  const types = schema.getTypeMap();
  const entityTypes = Object.values(types).filter((type) => isObjectType(type) && hasResolvableKey(type)) as GraphQLObjectType[];
  let sorted: GraphQLSchema | undefined;
  let sdl: string | undefined;
  const query: GraphQLObjectType = new GraphQLObjectType({
    name: queryType.name,
    description: queryType.description,
    astNode: queryType.astNode,
    extensions: queryType.extensions,
    fields: () => ({
      ...(entityTypes.length > 0 && {
        _entities: {
          ...entitiesField,
          type: new GraphQLNonNull(
            new GraphQLList(
              new GraphQLUnionType({ ...EntityType.toConfig(), types: entityTypes.map((type) => (type === queryType ? query : type)) }),
            ),
          ),
        },
      }),
      _service: { ...serviceField, resolve: () => ({ sdl: (sdl ??= printSubgraphSdl(sorted!)) }) },
      ...queryType.toConfig().fields,
    }),
  });
  sorted = lexicographicSortSchema(
    new GraphQLSchema({
      query,
      mutation: schema.getMutationType(),
      subscription: schema.getSubscriptionType(),
      extensions: schema.extensions,
      directives: schema.getDirectives(),
      extensionASTNodes: schema.extensionASTNodes,
      types: [...Object.values(types).filter((type) => type.name !== queryType.name), query],
    }),
  );
  return sorted;
}
