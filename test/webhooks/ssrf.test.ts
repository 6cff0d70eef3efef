// Without GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS, webhooks reach public addresses only (SSRF): an IP
// literal is refused when the endpoint is created, and a host name is refused by the address it
// resolves to, when a delivery is attempted; nothing reaches the receiver.
import { afterAll, describe, expect, it, vi } from "vitest";
import { ok, refused } from "../support/graphql.js";
import { useGatehouse } from "../support/gatehouse.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const gatehouse = useGatehouse({ env: { GATEHOUSE_WEBHOOK_MAX_ATTEMPTS: "1" } });
const gql = gatehouse.admin;
let receiver: WebhookReceiver;
afterAll(() => receiver?.close());

const CREATE = `mutation ($url: String!) { createWebhookEndpoint(input: { url: $url, eventTypes: ["organization.created"] }) { id } }`;

describe("webhooks to private addresses, when none is allowed", () => {
  it("refuse a loopback, private or link-local IP literal at once", async () => {
    receiver = await startWebhookReceiver();
    for (const url of [receiver.url, "http://[::1]/hooks", "http://169.254.169.254/latest/meta-data", "http://0x7f000001/"]) {
      const error = refused(await gql(CREATE, { url }), "BAD_USER_INPUT", "input.url");
      expect(error.message).toContain("GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS");
    }
  });

  it("refuse a host name that resolves to loopback when delivering, and never connect", async () => {
    const url = receiver.url.replace("127.0.0.1", "localhost");
    const { id } = ok(await gql(CREATE, { url })).createWebhookEndpoint;
    ok(await gql(`mutation { createOrganization(input: { name: "SSRF" }) { id } }`));
    const delivery = await vi.waitFor(
      async () => {
        const [found] = ok(await gql(`query ($id: ID!) { webhookDeliveries(endpointId: $id) { edges { node { status lastStatusCode lastError } } } }`, { id }))
          .webhookDeliveries.edges;
        expect(found?.node.status).toBe("FAILED");
        return found.node;
      },
      { timeout: 20_000, interval: 25 },
    );
    expect(delivery).toEqual({ status: "FAILED", lastStatusCode: null, lastError: expect.stringMatching(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/) });
    expect(receiver.arrived).toBe(0);
  });
});
