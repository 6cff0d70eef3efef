// Webhooks are management-only: every webhook field refuses organization tokens — of the
// organization an endpoint is scoped to as much as of another, each holding every organization
// permission — and changes nothing for them. The suite walks the schema: every root field that
// reaches a webhook type needs a case here, and no other type leads to one. And an endpoint scoped
// to one organization receives that organization's events only.
import { getNamedType, isObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationPermissions } from "../../src/domain/organization-permissions.js";
import { buildSchema } from "../../src/graphql/schema/index.js";
import { fixtures } from "../support/fixtures.js";
import { type Caller, admin, caller, ok } from "../support/graphql.js";
import { organizationToken } from "../support/oauth.js";
import { type TestServer, startTestServer } from "../support/server.js";

const ENDPOINT_FIELDS = `id url description eventTypes organizationId enabled disabledReason consecutiveFailures createdAt updatedAt
  deliveries(first: 5) { edges { node { id } } }`;
const DELIVERY_FIELDS = `id webhookId eventId eventType status attempts lastStatusCode lastError lastAttemptAt nextAttemptAt deliveredAt createdAt endpoint { id url }`;

let server: TestServer;
let gql: Caller;
/** Organization tokens holding every organization permission: in the endpoint's organization, and in another. */
const organizationTokens: Record<string, Caller> = {};
let target: { organizationId: string; otherOrganizationId: string; endpointId: string; deliveryId: string; eventId: string };

const cases: Record<string, { operation: string; variables: () => Record<string, unknown> }> = {
  webhookEndpoints: { operation: `{ webhookEndpoints { totalCount edges { node { ${ENDPOINT_FIELDS} } } } }`, variables: () => ({}) },
  webhookEndpoint: { operation: `query ($id: ID!) { webhookEndpoint(id: $id) { ${ENDPOINT_FIELDS} } }`, variables: () => ({ id: target.endpointId }) },
  webhookDeliveries: { operation: `{ webhookDeliveries(first: 5) { totalCount edges { node { ${DELIVERY_FIELDS} } } } }`, variables: () => ({}) },
  webhookEventTypes: { operation: `{ webhookEventTypes }`, variables: () => ({}) },
  createWebhookEndpoint: {
    operation: `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }`,
    variables: () => ({ input: { url: "https://attacker.example.com/", eventTypes: ["organization.updated"], organizationId: target.organizationId } }),
  },
  updateWebhookEndpoint: {
    operation: `mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { id url } }`,
    variables: () => ({ input: { id: target.endpointId, url: "https://attacker.example.com/", organizationId: target.otherOrganizationId } }),
  },
  disableWebhookEndpoint: {
    operation: `mutation ($input: WebhookEndpointIdInput!) { disableWebhookEndpoint(input: $input) { enabled } }`,
    variables: () => ({ input: { id: target.endpointId } }),
  },
  deleteWebhookEndpoint: {
    operation: `mutation ($input: WebhookEndpointIdInput!) { deleteWebhookEndpoint(input: $input) }`,
    variables: () => ({ input: { id: target.endpointId } }),
  },
  rotateWebhookEndpointSecret: {
    operation: `mutation ($input: WebhookEndpointIdInput!) { rotateWebhookEndpointSecret(input: $input) { secret } }`,
    variables: () => ({ input: { id: target.endpointId } }),
  },
  redeliverWebhookDelivery: {
    operation: `mutation ($input: WebhookDeliveryIdInput!) { redeliverWebhookDelivery(input: $input) { id } }`,
    variables: () => ({ input: { id: target.deliveryId } }),
  },
};

const isWebhookType = (name: string) => /^(Query|Mutation)?Webhook/.test(name);

/** What organization tokens must not be able to change, as the database holds it. */
async function webhookState() {
  const { prisma } = server.db;
  return {
    endpoints: await prisma.webhookEndpoint.findMany({ orderBy: { id: "asc" } }),
    deliveries: await prisma.webhookDelivery.findMany({ orderBy: { id: "asc" } }),
    webhookEvents: await prisma.auditEvent.count({ where: { action: { startsWith: "webhook_endpoint." } } }),
  };
}

beforeAll(async () => {
  // No delivery worker: the delivery stays pending, and nothing is sent anywhere.
  server = await startTestServer({ env: { GATEHOUSE_WEBHOOK_WORKER: "false" } });
  gql = await admin(server);
  const f = fixtures(server.db.prisma);
  const everything = await f.organizationRole({ name: "every-permission", permissions: Object.keys(organizationPermissions) });
  const tokenIn = async (organizationId: string) => {
    const user = await f.user();
    await f.member(organizationId, user.id, [everything.id]);
    return caller(server, await organizationToken(server, user.id, organizationId));
  };
  const acme = await f.organization({ name: "Acme" });
  const globex = await f.organization({ name: "Globex" });
  organizationTokens["of the endpoint's organization"] = await tokenIn(acme.id);
  organizationTokens["of another organization"] = await tokenIn(globex.id);

  const created = ok(
    await gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`,
      { input: { url: "https://receiver.example.com/acme", eventTypes: ["organization.updated"], organizationId: acme.id } },
    ),
  );
  ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "acme news" }) { id } }`, { id: acme.id }));
  const delivery = await server.db.prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId: created.createWebhookEndpoint.endpoint.id } });
  target = {
    organizationId: acme.id,
    otherOrganizationId: globex.id,
    endpointId: created.createWebhookEndpoint.endpoint.id,
    deliveryId: delivery.id.toString(),
    eventId: delivery.eventId.toString(),
  };
});
afterAll(() => server?.close());

describe("the schema's webhook fields", () => {
  const schema = buildSchema();

  it("are all reached from the root fields below, and from no other type", () => {
    const roots = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => /webhook/i.test(field.name) || isWebhookType(getNamedType(field.type).name))
        .map((field) => field.name),
    );
    expect(roots.sort()).toEqual(Object.keys(cases).sort());
    // Fields returning a webhook type belong to the root types or to webhook types themselves.
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__") || isWebhookType(type.name) || type === schema.getQueryType() || type === schema.getMutationType()) continue;
      for (const field of Object.values(type.getFields())) expect(isWebhookType(getNamedType(field.type).name), `${type.name}.${field.name}`).toBe(false);
    }
  });
});

describe.each(["of the endpoint's organization", "of another organization"])(
  "an organization token %s, with every organization permission",
  (who) => {
    it.each(Object.keys(cases))("is refused %s with FORBIDDEN, and nothing changes", async (name) => {
      const before = await webhookState();
      const response = await organizationTokens[who]!(cases[name]!.operation, cases[name]!.variables());
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["FORBIDDEN"]);
      expect(response.errors![0]!.path).toEqual([name]);
      expect(response.data?.[name] ?? null).toBeNull();
      expect(await webhookState()).toEqual(before);
    });
  },
);

describe("an endpoint scoped to an organization", () => {
  it("is sent that organization's events only", async () => {
    const before = await server.db.prisma.webhookDelivery.count({ where: { endpointId: target.endpointId } });
    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "globex news" }) { id } }`, { id: target.otherOrganizationId }));
    expect(await server.db.prisma.webhookDelivery.count({ where: { endpointId: target.endpointId } })).toBe(before);
    ok(await gql(`mutation ($id: ID!) { updateOrganization(input: { id: $id, description: "more acme news" }) { id } }`, { id: target.organizationId }));
    expect(await server.db.prisma.webhookDelivery.count({ where: { endpointId: target.endpointId } })).toBe(before + 1);
  });
});
