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
import { holdsManagementScope, holdsOrganizationPermission, principalUserId } from "../auth/principal.js";
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
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
}

/** A connection's page when the client names no size, and the most rows one page returns. */
export const PAGE_SIZE = { default: 20, max: 100 } as const;

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
      defaultConnectionSize: PAGE_SIZE.default,
      maxConnectionSize: PAGE_SIZE.max,
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
      // A subscription is authorized once, when it starts; its stream re-checks organization tokens per event.
      authorizeOnSubscribe: true,
      authScopes: ({ principal, loaders }) => ({
        public: true,
        authenticated: principal !== null,
        management: (scope) => holdsManagementScope(principal, scope),
        organizationPermissionAnywhere: (permission) => principal?.kind === "organization" && principal.scopes.has(permission),
        userVisible: (userId) => {
          if (principal?.kind === "management") return seesMembers(principal.scopes, "users:read");
          if (principalUserId(principal) === userId) return true;
          if (principal?.kind !== "organization" || !principal.scopes.has("read:members")) return false;
          return loaders.userMembership.isMember(principal.organizationId, userId);
        },
        applicationVisible: (applicationId) => {
          if (principal?.kind === "management") return seesMembers(principal.scopes, "applications:read");
          if (principal?.kind === "organization" && principal.subject.id === applicationId) return true;
          if (principal?.kind !== "organization" || !principal.scopes.has("read:applications")) return false;
          return loaders.applicationMembership.isMember(principal.organizationId, applicationId);
        },
        membershipsVisible: ({ type, id }) => {
          if (principal?.kind === "management") return seesMembers(principal.scopes, type === "user" ? "users:read" : "applications:read");
          if (type === "user") return principalUserId(principal) === id;
          return principal?.kind === "organization" && principal.subject.type === "application" && principal.subject.id === id;
        },
        organizationPermission: ({ organizationId, permission }) => holdsOrganizationPermission(principal, organizationId, permission),
      }),
      unauthorizedError: (_parent, context, info) => forbidden(context, info),
    },
  });
}

/** A management token sees users (applications) with their own scope, or as organization members. */
function seesMembers(scopes: ReadonlySet<string>, scope: "users:read" | "applications:read"): boolean {
  return allowsManagementScope(scopes, scope) || allowsManagementScope(scopes, "organizations:read");
}

export const builder = createBuilder();
export type Builder = typeof builder;

/** The `t` of an input type's fields, for a set of fields that several input types share. */
export type InputFieldBuilder = PothosSchemaTypes.InputFieldBuilder<
  BuilderTypes & PothosSchemaTypes.ExtendDefaultTypes<BuilderTypes>,
  "InputObject"
>;
