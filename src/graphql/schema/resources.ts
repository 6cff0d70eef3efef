// API resources (RFC 8707 indicators) and their permissions, as the template and tokens see them.
import { manageOrAnyOrganization } from "../auth/rules.js";
import { builder } from "../builder.js";

/** Who may read API permissions: resource and template readers, and organization role managers. */
const canReadResourceScopes = manageOrAnyOrganization(
  ["resources:read", "template:read", "organizations:read"],
  ["read:members", "assign:roles"],
);

export const ApiResource = builder.prismaObject("ApiResource", {
  description: "An API that Gatehouse issues tokens for, identified by its resource indicator (RFC 8707).",
  auth: canReadResourceScopes,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    indicator: t.exposeString("indicator", { description: "The resource indicator: the `aud` of its tokens. Immutable." }),
    accessTokenTtl: t.exposeInt("accessTokenTtl", { description: "Lifetime of its access tokens, in seconds." }),
    isBuiltIn: t.exposeBoolean("isBuiltIn", { description: "Gatehouse's own management API." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const ResourceScope = builder.prismaObject("ResourceScope", {
  description: "An API permission of one API resource.",
  auth: canReadResourceScopes,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    resource: t.relation("resource"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
