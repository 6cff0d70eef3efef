// The one Pothos builder: every plugin, the typed context and the auth scopes, declared once.
import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import DirectivesPlugin from "@pothos/plugin-directives";
import FederationPlugin from "@pothos/plugin-federation";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import GatehouseAuthPlugin from "./auth/plugin.js";
import { allowsManagementScope } from "../domain/management.js";
import { type GatehouseAuthScopes, guardedByParent } from "./auth/rules.js";
import type { GraphQLContext } from "./context.js";
import { forbidden } from "./errors.js";

export interface BuilderTypes {
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: GatehouseAuthScopes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
}

export function createBuilder() {
  return new SchemaBuilder<BuilderTypes>({
    // Order matters: scope-auth wraps every other plugin's resolvers; federation prints the
    // directives that the Gatehouse auth plugin (last, so its field hooks run first) derives.
    plugins: [
      ScopeAuthPlugin,
      PrismaPlugin,
      RelayPlugin,
      DataloaderPlugin,
      DirectivesPlugin,
      FederationPlugin,
      GatehouseAuthPlugin,
    ],
    defaultFieldNullability: false,
    prisma: {
      client: (context) => context.prisma,
      dmmf: getDatamodel(),
      // Every list is a connection with an explicit order; a relation without one is a mistake.
      filterConnectionTotalCount: true,
      onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
    },
    relay: {
      clientMutationId: "omit",
      cursorType: "String",
      nodeQueryOptions: false,
      nodesQueryOptions: false,
      pageInfoTypeOptions: { auth: guardedByParent },
      defaultConnectionTypeOptions: { auth: guardedByParent },
      defaultEdgeTypeOptions: { auth: guardedByParent },
    },
    scopeAuth: {
      // Organization checks take an object; cache them by value, not identity.
      cacheKey: (value) => JSON.stringify(value),
      authScopes: ({ principal }) => ({
        public: true,
        authenticated: principal !== null,
        management: (scope) => principal?.kind === "management" && allowsManagementScope(principal.scopes, scope),
        organizationPermission: ({ organizationId, permission }) =>
          principal?.kind === "organization" &&
          principal.organizationId === organizationId &&
          principal.scopes.has(permission),
      }),
      unauthorizedError: (_parent, context, info) => forbidden(context, info),
    },
  });
}

export const builder = createBuilder();
export type Builder = typeof builder;
