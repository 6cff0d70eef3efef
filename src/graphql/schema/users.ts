// Users: the people who sign in and join organizations.
import { canSeeUser, manage } from "../auth/rules.js";
import { builder } from "../builder.js";

export const UserIdentity = builder.prismaObject("UserIdentity", {
  description: "A subject at an external identity provider, linked to the user.",
  auth: manage("users:read"),
  fields: (t) => ({
    id: t.exposeID("id"),
    issuer: t.exposeString("issuer"),
    subject: t.exposeString("subject"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const User = builder.prismaObject("User", {
  description: "A person who signs in at a trusted identity provider and joins organizations.",
  auth: canSeeUser,
  fields: (t) => ({
    id: t.exposeID("id"),
    primaryEmail: t.exposeString("primaryEmail", { nullable: true, description: "Unique, compared case-insensitively." }),
    name: t.exposeString("name", { nullable: true }),
    username: t.exposeString("username", { nullable: true }),
    avatarUrl: t.exposeString("avatarUrl", { nullable: true }),
    mfaEnrolled: t.exposeBoolean("mfaEnrolled", {
      description: "Whether the user has MFA; organizations that require MFA refuse tokens to users without it.",
    }),
    customData: t.field({
      type: "JSONObject",
      nullable: true,
      auth: manage("users:read"),
      // The column only ever holds JSON objects (enforced on write).
      resolve: (user) => user.customData as Record<string, unknown>,
    }),
    identities: t.relation("identities", {
      nullable: true,
      auth: manage("users:read"),
      query: { orderBy: [{ issuer: "asc" }, { subject: "asc" }] },
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.asEntity(User, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.prisma.user.findUnique({ where: { id } }),
});
