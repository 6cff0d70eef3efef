// Users: the people who sign in and join organizations. Management tokens list and change them.
import { createUser, deleteUser, linkUserIdentity, unlinkUserIdentity, updateUser } from "../../domain/users.js";
import { canSeeUser, manage } from "../auth/rules.js";
import { type InputFieldBuilder, builder } from "../builder.js";
import { customDataField } from "./custom-data.js";
import { domain } from "../context.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";

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
    customData: t.field(customDataField("users:read", "Arbitrary data the product keeps about the user.")),
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

const searchFields: ("name" | "primaryEmail" | "username")[] = ["name", "primaryEmail", "username"];

builder.queryFields((t) => ({
  users: t.prismaConnection({
    type: "User",
    cursor: "id",
    description: "Every user, oldest first.",
    auth: manage("users:read"),
    args: { search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name, email and username.` }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.user.findMany({
        ...query,
        where: searchWhere(args.search, searchFields),
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    totalCount: (_parent, args, context) => context.prisma.user.count({ where: searchWhere(args.search, searchFields) }),
  }),
  user: t.prismaField({
    type: "User",
    nullable: true,
    description: "One user, by id.",
    auth: manage("users:read"),
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => context.prisma.user.findUnique({ ...query, where: { id: args.id } }),
  }),
}));

const profileFields = (t: InputFieldBuilder) => ({
  primaryEmail: t.string({ description: "Unique, compared case-insensitively." }),
  name: t.string({ description: "At most 128 characters." }),
  username: t.string({ description: "Unique, case-insensitively: a letter or _, then letters, digits and _; at most 128." }),
  avatarUrl: t.string({ description: "An http(s) URL." }),
  mfaEnrolled: t.boolean(),
  customData: t.field({ type: "JSONObject", description: "Any JSON object, at most 64 KiB; replaced as a whole." }),
});

const CreateUserInput = builder.inputType("CreateUserInput", {
  description: "Every field is optional.",
  fields: (t) => profileFields(t),
});

const UpdateUserInput = builder.inputType("UpdateUserInput", {
  description: "Fields left out stay as they are; null clears one.",
  fields: (t) => ({ id: t.id({ required: true }), ...profileFields(t) }),
});

const DeleteUserInput = builder.inputType("DeleteUserInput", { fields: (t) => ({ id: t.id({ required: true }) }) });

const UserIdentityInput = builder.inputType("UserIdentityInput", {
  fields: (t) => ({
    userId: t.id({ required: true }),
    issuer: t.string({ required: true, description: "The identity provider's issuer (`iss`)." }),
    subject: t.string({ required: true, description: "The user's subject there (`sub`)." }),
  }),
});

builder.mutationFields((t) => ({
  createUser: t.field({
    description: "Create a user.",
    type: User,
    auth: manage("users:write"),
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_parent, { input }, context) => createUser(domain(context), input),
  }),
  updateUser: t.field({
    description: "Change a user's profile; fields left out keep their values.",
    type: User,
    auth: manage("users:write"),
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => updateUser(domain(context), id, changes),
  }),
  deleteUser: t.id({
    description: "Deletes the user with their identities, memberships and roles. Returns its id.",
    auth: manage("users:write"),
    args: { input: t.arg({ type: DeleteUserInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteUser(domain(context), input.id),
  }),
  linkUserIdentity: t.field({
    type: UserIdentity,
    description: "Links an external identity to the user (again: no change). An identity belongs to one user.",
    auth: manage("users:write"),
    args: { input: t.arg({ type: UserIdentityInput, required: true }) },
    resolve: (_parent, { input: { userId, ...identity } }, context) => linkUserIdentity(domain(context), userId, identity),
  }),
  unlinkUserIdentity: t.id({
    description: "Unlinks an external identity from the user. Returns the identity's id.",
    auth: manage("users:write"),
    args: { input: t.arg({ type: UserIdentityInput, required: true }) },
    resolve: (_parent, { input: { userId, ...identity } }, context) => unlinkUserIdentity(domain(context), userId, identity),
  }),
}));
