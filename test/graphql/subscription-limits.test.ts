// Caps on open subscriptions: per token and per process, refused with TOO_MANY_SUBSCRIPTIONS before
// the stream starts; closing a stream frees its slot.
import { expect, it, vi } from "vitest";
import { useGatehouse } from "../support/gatehouse.js";
import { managementToken } from "../support/oauth.js";
import { type OpenSubscription, subscribe } from "../support/subscriptions.js";

const gatehouse = useGatehouse({ env: { GATEHOUSE_MAX_SUBSCRIPTIONS_PER_TOKEN: "2", GATEHOUSE_MAX_SUBSCRIPTIONS: "3" } });
const TEMPLATE = "subscription { templateChanged { action } }";

async function refusal(subscription: OpenSubscription) {
  const { results } = await subscription.ended;
  return results.map((result) => result.errors?.map((error) => error.extensions));
}

it("refuses a token's third stream and the process's fourth, and frees a slot when a stream closes", async () => {
  const { server } = gatehouse;
  const [first, second] = [await managementToken(server, "all"), await managementToken(server, "template:read")];
  const open = [await subscribe(server, TEMPLATE, { token: first }), await subscribe(server, TEMPLATE, { token: first })];

  expect(await refusal(await subscribe(server, TEMPLATE, { token: first }))).toEqual([
    [{ code: "TOO_MANY_SUBSCRIPTIONS", details: { limit: "perToken", max: 2 } }],
  ]);
  open.push(await subscribe(server, TEMPLATE, { token: second }));
  expect(await refusal(await subscribe(server, TEMPLATE, { token: second }))).toEqual([
    [{ code: "TOO_MANY_SUBSCRIPTIONS", details: { limit: "perProcess", max: 3 } }],
  ]);
  expect(open.every((subscription) => subscription.results.length === 0)).toBe(true);

  // The server learns of a closed stream when the connection ends: the slot comes back after that.
  await open.shift()!.close();
  await vi.waitFor(
    async () => {
      const again = await subscribe(server, TEMPLATE, { token: second });
      // A refused subscription has its one result (the error) by the time subscribe() returns.
      if (again.results.length > 0) throw new Error("still refused");
      open.push(again);
    },
    { timeout: 30_000, interval: 200 },
  );
  await Promise.all(open.map((subscription) => subscription.close()));
});
