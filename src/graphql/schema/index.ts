// The Gatehouse schema: each module registers its types on the shared builder.
import { type GraphQLSchema, specifiedDirectives } from "graphql";
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

/** Builds the executable subgraph schema. Fails when a field has no authorization rule. */
export function buildSchema(from: Builder = builder): GraphQLSchema {
  return from.toSubGraphSchema({
    linkUrl: FEDERATION_LINK,
    federationDirectives: ["@key", "@shareable", "@authenticated", "@requiresScopes"],
    // @organizationScoped survives composition into the supergraph, for routers and readers.
    composeDirectives: [`@${ORGANIZATION_SCOPED}`],
    // `directives` replaces graphql-js's list rather than adding to it: keep @include, @skip,
    // @deprecated, @specifiedBy and @oneOf, which every client and tool expects.
    directives: [...specifiedDirectives, organizationScopedDirective],
    schemaDirectives: { link: { url: GATEHOUSE_SPEC_URL, import: [`@${ORGANIZATION_SCOPED}`] } },
  });
}
