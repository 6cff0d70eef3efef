// Machine-to-machine applications: backends that obtain tokens with client credentials. Their
// client secret is returned once, by the mutation that makes it, and is never readable afterwards.
import {
  type ApplicationWithSecret as ApplicationWithSecretShape,
  createApplication,
  deleteApplication,
  rotateApplicationSecret,
  updateApplication,
} from "../../domain/applications.js";
import { canSeeApplication, manage } from "../auth/rules.js";
import { builder } from "../builder.js";
import { customDataField } from "./custom-data.js";
import { domain } from "../context.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";

export const ApplicationType = builder.enumType("ApplicationType", {
  values: { MACHINE_TO_MACHINE: { value: "MACHINE_TO_MACHINE" } } as const,
});

export const Application = builder.prismaObject("Application", {
  description: "A machine-to-machine application: a backend that authenticates with its client secret.",
  auth: canSeeApplication,
  fields: (t) => ({
    id: t.exposeID("id", { description: "The OAuth client_id." }),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    type: t.expose("type", { type: ApplicationType }),
    customData: t.field(customDataField("applications:read", "Arbitrary data the product keeps about the application.")),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.asEntity(Application, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.prisma.application.findUnique({ where: { id } }),
});

const ApplicationWithSecret = builder.objectRef<ApplicationWithSecretShape>("ApplicationWithSecret").implement({
  description: "An application with its new client secret. The secret is shown this once: Gatehouse keeps only its hash.",
  auth: manage("applications:write"),
  fields: (t) => ({
    clientId: t.id({ description: "The application's id: its client_id.", resolve: (result) => result.application.id }),
    clientSecret: t.exposeString("clientSecret", { description: "The client_secret for client credentials." }),
    // Nullable: a token that may write applications but not read them still gets the secret.
    application: t.field({ type: Application, nullable: true, resolve: (result) => result.application }),
  }),
});

const searchFields: ("name" | "description")[] = ["name", "description"];

builder.queryFields((t) => ({
  applications: t.prismaConnection({
    type: "Application",
    cursor: "id",
    description: "Every application, oldest first.",
    auth: manage("applications:read"),
    args: { search: t.arg.string({ description: `${SEARCH_DESCRIPTION} Matches name and description.` }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.application.findMany({
        ...query,
        where: searchWhere(args.search, searchFields),
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    totalCount: (_parent, args, context) => context.prisma.application.count({ where: searchWhere(args.search, searchFields) }),
  }),
  application: t.prismaField({
    type: "Application",
    nullable: true,
    description: "One application, by id (its client_id).",
    auth: manage("applications:read"),
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => context.prisma.application.findUnique({ ...query, where: { id: args.id } }),
  }),
}));

const CreateApplicationInput = builder.inputType("CreateApplicationInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "At most 256 characters; need not be unique." }),
    description: t.string({ description: "At most 256 characters." }),
    customData: t.field({ type: "JSONObject", description: "Any JSON object, at most 64 KiB." }),
  }),
});

const UpdateApplicationInput = builder.inputType("UpdateApplicationInput", {
  description: "Fields left out stay as they are. customData is replaced as a whole.",
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    description: t.string({ description: "null clears it." }),
    customData: t.field({ type: "JSONObject" }),
  }),
});

const ApplicationIdInput = builder.inputType("ApplicationIdInput", { fields: (t) => ({ id: t.id({ required: true }) }) });

builder.mutationFields((t) => ({
  createApplication: t.field({
    type: ApplicationWithSecret,
    description: "Creates an M2M application and returns it with its client secret, which is shown only here.",
    auth: manage("applications:write"),
    args: { input: t.arg({ type: CreateApplicationInput, required: true }) },
    resolve: (_parent, { input }, context) => createApplication(domain(context), input),
  }),
  updateApplication: t.field({
    description: "Change an application; fields left out keep their values.",
    type: Application,
    auth: manage("applications:write"),
    args: { input: t.arg({ type: UpdateApplicationInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => updateApplication(domain(context), id, changes),
  }),
  deleteApplication: t.id({
    description: "Deletes the application with its organization memberships and roles. Returns its id.",
    auth: manage("applications:write"),
    args: { input: t.arg({ type: ApplicationIdInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteApplication(domain(context), input.id),
  }),
  rotateApplicationSecret: t.field({
    type: ApplicationWithSecret,
    description: "Replaces the client secret and returns the new one, shown only here. The old one stops working at once.",
    auth: manage("applications:write"),
    args: { input: t.arg({ type: ApplicationIdInput, required: true }) },
    resolve: (_parent, { input }, context) => rotateApplicationSecret(domain(context), input.id),
  }),
}));
