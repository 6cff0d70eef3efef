// @organizationScoped: marks which scopes of a field's @requiresScopes are organization
// permissions, counting only in a token for the organization the field belongs to. A router
// enforcing @requiresScopes cannot check that binding; Gatehouse always does.
import { DirectiveLocation, GraphQLDirective, GraphQLList, GraphQLNonNull, GraphQLString } from "graphql";

export const ORGANIZATION_SCOPED = "organizationScoped";

/** The @link that imports it, so composition keeps it in the supergraph (`composeDirectives`). */
export const GATEHOUSE_SPEC_URL = "https://specs.gatehouse.dev/organization/v0.1";

export const organizationScopedDirective = new GraphQLDirective({
  name: ORGANIZATION_SCOPED,
  description:
    "These scopes of @requiresScopes are organization permissions bound to one organization: they count only in an " +
    "organization token whose organization_id is the organization this field or type belongs to. Management scopes " +
    "count everywhere.",
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT],
  args: {
    scopes: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) },
  },
});
