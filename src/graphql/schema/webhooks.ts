// Webhook endpoints and their delivery log (docs/webhooks.md). The signing secret is returned
// once, by the mutation that makes it, and is never readable afterwards.
import { feedTypesForManagement } from "../../domain/events.js";
import {
  type EndpointWithSecret,
  type WebhookManagement,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  redeliverWebhookDelivery,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
} from "../../domain/webhooks/endpoints.js";
import type { Prisma } from "../../db/index.js";
import { manage } from "../auth/rules.js";
import { builder } from "../builder.js";
import { type GraphQLContext, domain } from "../context.js";

const canRead = manage("webhooks:read");
const canWrite = manage("webhooks:write");

/** The caller's domain context for managing endpoints: only event types its scopes see. */
function management(context: GraphQLContext): WebhookManagement {
  const { principal } = context;
  const visibleTypes = new Set<string>(principal?.kind === "management" ? feedTypesForManagement(principal.scopes) : []);
  return { ...domain(context), ...context.webhooks, visibleTypes };
}

const WebhookDeliveryStatus = builder.enumType("WebhookDeliveryStatus", {
  values: {
    PENDING: { value: "PENDING", description: "Waiting for its next attempt, or being attempted." },
    DELIVERED: { value: "DELIVERED", description: "The endpoint answered 2xx." },
    FAILED: { value: "FAILED", description: "Every attempt failed; redeliverWebhookDelivery tries again." },
  } as const,
});

const WebhookEndpoint = builder.prismaObject("WebhookEndpoint", {
  description: "Where events are delivered, signed per the Standard Webhooks specification (docs/webhooks.md).",
  auth: canRead,
  fields: (t) => ({
    id: t.exposeID("id"),
    url: t.exposeString("url"),
    description: t.exposeString("description", { nullable: true }),
    eventTypes: t.exposeStringList("eventTypes", { description: "Event types of the catalogue (docs/events.md) delivered here." }),
    organizationId: t.exposeID("organizationId", { nullable: true, description: "When set, only this organization's events." }),
    enabled: t.exposeBoolean("enabled"),
    disabledReason: t.exposeString("disabledReason", {
      nullable: true,
      description: "`manual`, or `failing`: disabled by Gatehouse after repeated failed deliveries.",
    }),
    consecutiveFailures: t.exposeInt("consecutiveFailures", { description: "Failed attempts since the last delivered one." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    deliveries: t.relatedConnection("deliveries", {
      cursor: "id",
      description: "The delivery log of this endpoint, newest first.",
      totalCount: true,
      args: { status: t.arg({ type: WebhookDeliveryStatus, description: "Only deliveries in this status." }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: { id: "desc" } }),
    }),
  }),
});

const WebhookDelivery = builder.prismaObject("WebhookDelivery", {
  description: "One event for one endpoint: pending in the outbox, then an entry of the delivery log.",
  auth: canRead,
  fields: (t) => ({
    id: t.id({ resolve: (delivery) => delivery.id.toString() }),
    webhookId: t.string({
      description: "The `webhook-id` header: the same on every attempt and redelivery of the event, so a receiver can ignore repeats.",
      resolve: (delivery) => `msg_${delivery.eventId}`,
    }),
    eventId: t.id({ description: "The audit event delivered (`auditEvents`).", resolve: (delivery) => delivery.eventId.toString() }),
    eventType: t.string({ select: { event: { select: { action: true } } }, resolve: (delivery) => delivery.event.action }),
    endpoint: t.relation("endpoint"),
    status: t.expose("status", { type: WebhookDeliveryStatus }),
    attempts: t.exposeInt("attempts", { description: "Attempts started so far." }),
    lastStatusCode: t.exposeInt("lastStatusCode", { nullable: true, description: "The HTTP status of the last attempt, when there was a response." }),
    lastError: t.exposeString("lastError", { nullable: true, description: "Why the last attempt failed." }),
    lastAttemptAt: t.expose("lastAttemptAt", { type: "DateTime", nullable: true }),
    nextAttemptAt: t.expose("nextAttemptAt", {
      type: "DateTime",
      nullable: true,
      description: "When it is next attempted (while an attempt is under way: when that attempt's lease ends); null once delivered or failed.",
    }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const WebhookEndpointWithSecret = builder.objectRef<EndpointWithSecret>("WebhookEndpointWithSecret").implement({
  description: "An endpoint with its new signing secret (`whsec_…`), shown this once: Gatehouse keeps it encrypted and never shows it again.",
  auth: canWrite,
  fields: (t) => ({
    id: t.id({ resolve: (result) => result.endpoint.id }),
    secret: t.exposeString("secret", { description: "Verify deliveries with it (the `standardwebhooks` package: `new Webhook(secret).verify(body, headers)`)." }),
    // Nullable: a token that may write endpoints but not read them still gets the secret.
    endpoint: t.field({ type: WebhookEndpoint, nullable: true, resolve: (result) => result.endpoint }),
  }),
});

function deliveryWhere(args: { endpointId?: string | null; status?: "PENDING" | "DELIVERED" | "FAILED" | null; eventId?: string | null }): Prisma.WebhookDeliveryWhereInput {
  return {
    ...(args.endpointId ? { endpointId: args.endpointId } : {}),
    ...(args.status ? { status: args.status } : {}),
    ...(args.eventId ? { eventId: /^[0-9]{1,18}$/.test(args.eventId) ? BigInt(args.eventId) : -1n } : {}),
  };
}

builder.queryFields((t) => ({
  webhookEndpoints: t.prismaConnection({
    type: WebhookEndpoint,
    cursor: "id",
    description: "Every webhook endpoint, oldest first.",
    auth: canRead,
    resolve: (query, _parent, _args, context) => context.prisma.webhookEndpoint.findMany({ ...query, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    totalCount: (_parent, _args, context) => context.prisma.webhookEndpoint.count(),
  }),
  webhookEndpoint: t.prismaField({
    description: "One webhook endpoint, by id.",
    type: WebhookEndpoint,
    nullable: true,
    auth: canRead,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => context.prisma.webhookEndpoint.findUnique({ ...query, where: { id: args.id } }),
  }),
  webhookDeliveries: t.prismaConnection({
    type: WebhookDelivery,
    cursor: "id",
    description: "The delivery log of every endpoint, newest first; each argument given narrows it.",
    auth: canRead,
    args: {
      endpointId: t.arg.id(),
      status: t.arg({ type: WebhookDeliveryStatus }),
      eventId: t.arg.id({ description: "Deliveries of this audit event." }),
    },
    resolve: (query, _parent, args, context) =>
      context.prisma.webhookDelivery.findMany({ ...query, where: deliveryWhere(args), orderBy: { id: "desc" } }),
    totalCount: (_parent, args, context) => context.prisma.webhookDelivery.count({ where: deliveryWhere(args) }),
  }),
  webhookEventTypes: t.stringList({
    description: "The event types this token may subscribe an endpoint to: the change feed's types its management scopes see.",
    auth: canRead,
    resolve: (_parent, _args, context) => [...management(context).visibleTypes],
  }),
}));

const CreateWebhookEndpointInput = builder.inputType("CreateWebhookEndpointInput", {
  fields: (t) => ({
    url: t.string({ required: true, description: "An http(s) URL, at most 2048 characters. Private and loopback addresses are refused unless allowed (GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS)." }),
    description: t.string({ description: "At most 256 characters." }),
    eventTypes: t.stringList({ required: true, description: "1 to 200 event types of the change feed (docs/events.md) that the token's scopes see." }),
    organizationId: t.id({ description: "Only this organization's events." }),
  }),
});

const UpdateWebhookEndpointInput = builder.inputType("UpdateWebhookEndpointInput", {
  description: "Fields left out stay as they are.",
  fields: (t) => ({
    id: t.id({ required: true }),
    url: t.string(),
    description: t.string({ description: "null clears it." }),
    eventTypes: t.stringList(),
    organizationId: t.id({ description: "null: every organization's events." }),
    enabled: t.boolean({ description: "true re-enables a disabled endpoint (its failure count restarts; its pending deliveries go out)." }),
  }),
});

const WebhookEndpointIdInput = builder.inputType("WebhookEndpointIdInput", { fields: (t) => ({ id: t.id({ required: true }) }) });
const WebhookDeliveryIdInput = builder.inputType("WebhookDeliveryIdInput", { fields: (t) => ({ id: t.id({ required: true }) }) });

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: WebhookEndpointWithSecret,
    description: "Creates an endpoint and returns its signing secret, which is shown only here.",
    auth: canWrite,
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true }) },
    resolve: (_parent, { input }, context) => createWebhookEndpoint(management(context), input),
  }),
  updateWebhookEndpoint: t.field({
    description: "Change a webhook endpoint (its URL, event types, organization, or enable it again); fields left out stay as they are.",
    type: WebhookEndpoint,
    auth: canWrite,
    args: { input: t.arg({ type: UpdateWebhookEndpointInput, required: true }) },
    resolve: (_parent, { input: { id, ...changes } }, context) => updateWebhookEndpoint(management(context), id, changes),
  }),
  disableWebhookEndpoint: t.field({
    type: WebhookEndpoint,
    description: "Stops deliveries to the endpoint; they stay pending until updateWebhookEndpoint enables it.",
    auth: canWrite,
    args: { input: t.arg({ type: WebhookEndpointIdInput, required: true }) },
    resolve: (_parent, { input }, context) => disableWebhookEndpoint(management(context), input.id),
  }),
  deleteWebhookEndpoint: t.id({
    description: "Deletes the endpoint with its delivery log and pending deliveries. Returns its id.",
    auth: canWrite,
    args: { input: t.arg({ type: WebhookEndpointIdInput, required: true }) },
    resolve: (_parent, { input }, context) => deleteWebhookEndpoint(management(context), input.id),
  }),
  rotateWebhookEndpointSecret: t.field({
    type: WebhookEndpointWithSecret,
    description: "Replaces the signing secret and returns the new one, shown only here; deliveries are signed with it from now on.",
    auth: canWrite,
    args: { input: t.arg({ type: WebhookEndpointIdInput, required: true }) },
    resolve: (_parent, { input }, context) => rotateWebhookEndpointSecret(management(context), input.id),
  }),
  redeliverWebhookDelivery: t.prismaField({
    type: WebhookDelivery,
    description: "Queues a delivered or failed delivery's event again for its endpoint, as a new delivery with the same webhook-id.",
    auth: canWrite,
    args: { input: t.arg({ type: WebhookDeliveryIdInput, required: true }) },
    resolve: async (query, _parent, { input }, context) => {
      const queued = await redeliverWebhookDelivery(management(context), input.id);
      return context.prisma.webhookDelivery.findUniqueOrThrow({ ...query, where: { id: queued.id } });
    },
  }),
}));
