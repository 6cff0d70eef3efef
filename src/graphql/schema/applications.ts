// Machine-to-machine applications: backends that obtain tokens with client credentials.
import { canSeeApplication, manage } from "../auth/rules.js";
import { builder } from "../builder.js";

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
    customData: t.field({
      type: "JSONObject",
      nullable: true,
      auth: manage("applications:read"),
      // The column only ever holds JSON objects (enforced on write).
      resolve: (application) => application.customData as Record<string, unknown>,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.asEntity(Application, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.prisma.application.findUnique({ where: { id } }),
});
