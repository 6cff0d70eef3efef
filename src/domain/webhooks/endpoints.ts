// Webhook endpoints: where events of the catalogue are delivered (docs/webhooks.md). An endpoint
// names the event types it receives, exactly; its signing secret is returned once, when made, and
// stored encrypted with GATEHOUSE_SECRET.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { GatehouseError, assertThat } from "../../errors.js";
import type { WebhookDelivery, WebhookEndpoint } from "../../generated/prisma/client.js";
import { type DomainContext, type Transaction, change } from "../context.js";
import { fieldChanges, isFeedEvent } from "../events.js";
import { description, parseInput } from "../input.js";
import { definedOnly } from "../template.js";
import { type AddressPolicy, literalAddress } from "./addresses.js";
import { wakeDeliveryWorkers } from "./outbox.js";

/** Encrypts and decrypts signing secrets at rest (GATEHOUSE_SECRET, like signing keys). */
export interface SecretSealer {
  encrypt(plaintext: string): Promise<string>;
  decrypt(sealed: string): Promise<string>;
}

export interface WebhookManagement extends DomainContext {
  sealer: SecretSealer;
  addresses: AddressPolicy;
  /** The event types the caller may see in the change feed: the only ones it may subscribe to. */
  visibleTypes: ReadonlySet<string>;
}

/** The Standard Webhooks secret format: `whsec_` and base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  /** The signing secret, shown this once. */
  secret: string;
}

const MAX_EVENT_TYPES = 200;

const webhookUrl = z
  .string()
  .trim()
  .max(2048, "must be at most 2048 characters")
  .transform((text, context) => {
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (!url || !["http:", "https:"].includes(url.protocol)) {
      context.addIssue({ code: "custom", message: "must be an http:// or https:// URL" });
      return z.NEVER;
    }
    if (url.hash) {
      context.addIssue({ code: "custom", message: "must not have a #fragment" });
      return z.NEVER;
    }
    return url.href;
  });

const eventTypes = z
  .array(z.string(), { error: "must be a list of event types" })
  .min(1, "must name at least one event type")
  .max(MAX_EVENT_TYPES, `must name at most ${MAX_EVENT_TYPES} event types`)
  .transform((types) => [...new Set(types)]);

const createInput = z.object({
  url: webhookUrl,
  description: description(256),
  eventTypes,
  organizationId: z.string().min(1, "must not be empty").nullish(),
});

const updateInput = z.object({
  url: webhookUrl.optional(),
  description: description(256),
  eventTypes: eventTypes.optional(),
  organizationId: z.string().min(1, "must not be empty").nullish(),
  enabled: z.boolean().nullish().transform((value) => value ?? undefined),
});

export async function createWebhookEndpoint(context: WebhookManagement, input: unknown): Promise<EndpointWithSecret> {
  const data = parseInput(createInput, input);
  checkEndpoint(context, data);
  const secret = generateSigningSecret();
  const secretEncrypted = await context.sealer.encrypt(secret);
  const endpoint = await change(
    context,
    async (tx) => {
      if (data.organizationId) await requireOrganization(tx, data.organizationId);
      return tx.webhookEndpoint.create({ data: { ...definedOnly(data), secretEncrypted } });
    },
    (created) => ({
      action: "webhook_endpoint.created",
      targetId: created.id,
      data: { host: new URL(created.url).host, eventTypes: created.eventTypes, organizationId: created.organizationId },
    }),
  );
  return { endpoint, secret };
}

/**
 * Changes the given fields. Enabling a disabled endpoint clears its failure count, and its pending
 * deliveries go out again; disabling keeps them pending until it is enabled.
 */
export async function updateWebhookEndpoint(context: WebhookManagement, id: string, input: unknown): Promise<WebhookEndpoint> {
  const data = parseInput(updateInput, input);
  checkEndpoint(context, data);
  return change(
    context,
    async (tx) => {
      const before = await requireEndpoint(tx, id);
      if (data.organizationId) await requireOrganization(tx, data.organizationId);
      const enabling = data.enabled === true && !before.enabled;
      const after = await tx.webhookEndpoint.update({
        where: { id },
        data: {
          ...definedOnly(data),
          ...(enabling ? { disabledReason: null, consecutiveFailures: 0 } : {}),
          ...(data.enabled === false && before.enabled ? { disabledReason: "manual" } : {}),
        },
      });
      if (enabling) await wakeDeliveryWorkers(tx);
      return { before, after };
    },
    ({ before, after }) => ({ action: "webhook_endpoint.updated", targetId: id, data: fieldChanges(shown(before), shown(after), data) }),
  ).then(({ after }) => after);
}

/** Stops deliveries to the endpoint; they stay pending until it is enabled again. */
export async function disableWebhookEndpoint(context: WebhookManagement, id: string): Promise<WebhookEndpoint> {
  return change(
    context,
    async (tx) => {
      const endpoint = await requireEndpoint(tx, id);
      if (!endpoint.enabled) return endpoint;
      return tx.webhookEndpoint.update({ where: { id }, data: { enabled: false, disabledReason: "manual" } });
    },
    (endpoint) => ({
      action: "webhook_endpoint.disabled",
      targetId: id,
      data: { reason: "manual", consecutiveFailures: endpoint.consecutiveFailures },
    }),
  );
}

/** Deletes the endpoint with its deliveries, pending ones included. Returns its id. */
export async function deleteWebhookEndpoint(context: WebhookManagement, id: string): Promise<string> {
  const endpoint = await change(
    context,
    async (tx) => {
      const found = await requireEndpoint(tx, id);
      await tx.webhookEndpoint.delete({ where: { id } });
      return found;
    },
    (deleted) => ({ action: "webhook_endpoint.deleted", targetId: id, data: { host: new URL(deleted.url).host } }),
  );
  return endpoint.id;
}

/**
 * Replaces the signing secret; deliveries signed from the commit on use the new one (an attempt
 * already under way may still carry the old signature).
 */
export async function rotateWebhookEndpointSecret(context: WebhookManagement, id: string): Promise<EndpointWithSecret> {
  const secret = generateSigningSecret();
  const secretEncrypted = await context.sealer.encrypt(secret);
  const endpoint = await change(
    context,
    async (tx) => {
      await requireEndpoint(tx, id);
      return tx.webhookEndpoint.update({ where: { id }, data: { secretEncrypted } });
    },
    () => ({ action: "webhook_endpoint.secret_rotated", targetId: id, data: {} }),
  );
  return { endpoint, secret };
}

/**
 * Queues the delivery's event again for its endpoint, as a new delivery (the log keeps the old
 * one). The `webhook-id` stays the same, so a receiver that already processed it can tell.
 */
export async function redeliverWebhookDelivery(context: WebhookManagement, deliveryId: string): Promise<WebhookDelivery> {
  const id = parseDeliveryId(deliveryId);
  return change(
    context,
    async (tx) => {
      const delivery = await tx.webhookDelivery.findUnique({ where: { id }, include: { endpoint: true } });
      if (!delivery) throw new GatehouseError("NOT_FOUND", `no webhook delivery with id ${deliveryId}`, { field: "id" });
      assertThat(delivery.status !== "PENDING", "CONFLICT", "the delivery is still pending: it will be attempted again by itself");
      assertThat(delivery.endpoint.enabled, "CONFLICT", "the endpoint is disabled: enable it first (updateWebhookEndpoint)");
      // Holds the event until the new delivery commits: audit retention locks an event before it
      // deletes it (src/domain/audit-retention.ts), so either it skips this one, or this waits for
      // it and finds the event gone (NOT_FOUND, not a foreign-key failure).
      const [event] = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "audit_events" WHERE "id" = ${delivery.eventId} FOR KEY SHARE`;
      if (!event) throw new GatehouseError("NOT_FOUND", `the event of webhook delivery ${deliveryId} was deleted (audit retention)`, { field: "id" });
      const queued = await tx.webhookDelivery.create({ data: { endpointId: delivery.endpointId, eventId: delivery.eventId } });
      await wakeDeliveryWorkers(tx);
      return queued;
    },
    (queued) => ({
      action: "webhook_endpoint.redelivery_requested",
      targetId: queued.endpointId,
      data: { eventId: queued.eventId.toString(), deliveryId: queued.id.toString() },
    }),
  );
}

/** A delivery id as the API shows it (a decimal string), or NOT_FOUND. */
export function parseDeliveryId(id: string): bigint {
  if (!/^[0-9]{1,18}$/.test(id)) throw new GatehouseError("NOT_FOUND", `no webhook delivery with id ${id}`, { field: "id" });
  return BigInt(id);
}

/** Event types the caller may see and that are in the change feed; a URL Gatehouse would refuse to call is refused now. */
function checkEndpoint(context: WebhookManagement, data: { url?: string | undefined; eventTypes?: string[] | undefined }): void {
  data.eventTypes?.forEach((type, index) => {
    const field = `input.eventTypes.${index}`;
    assertThat(isFeedEvent(type), "BAD_USER_INPUT", `${field}: ${JSON.stringify(type)} is not an event type of the change feed (docs/events.md)`, { field });
    assertThat(context.visibleTypes.has(type), "FORBIDDEN", `${field}: this token may not see ${type} events`, { field });
  });
  if (data.url) {
    const literal = literalAddress(new URL(data.url));
    const refusal = literal === undefined ? undefined : context.addresses.refusal(literal);
    assertThat(
      refusal === undefined,
      "BAD_USER_INPUT",
      `input.url: ${literal} is a ${refusal} address, which webhooks may not reach (GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS)`,
      { field: "input.url" },
    );
  }
}

/** An endpoint as events show it: its URL's host only (a URL may carry a credential). */
function shown(endpoint: WebhookEndpoint) {
  return { ...endpoint, url: new URL(endpoint.url).host };
}

async function requireEndpoint(tx: Transaction, id: string): Promise<WebhookEndpoint> {
  const endpoint = await tx.webhookEndpoint.findUnique({ where: { id } });
  if (!endpoint) throw new GatehouseError("NOT_FOUND", `no webhook endpoint with id ${id}`, { field: "id" });
  return endpoint;
}

async function requireOrganization(tx: Transaction, id: string): Promise<void> {
  const found = await tx.organization.findUnique({ where: { id }, select: { id: true } });
  if (!found) throw new GatehouseError("NOT_FOUND", `no organization with id ${id}`, { field: "input.organizationId" });
}
