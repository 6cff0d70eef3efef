// Rate limits on /oauth/token: per authenticated client, per source address, and failed client
// authentications per address, each answered 429 with Retry-After. Windows of an hour, so nothing
// here depends on how fast the machine is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { fixtures } from "../support/fixtures.js";
import { adminClient, requestToken, type TokenResponse } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let limited: TestServer;
let guarded: TestServer;
let perClient: TestServer;

beforeAll(async () => {
  [limited, guarded, perClient] = await Promise.all([
    startTestServer({ env: { GATEHOUSE_TOKEN_RATE_PER_CLIENT: "3/3600", GATEHOUSE_TOKEN_RATE_PER_ADDRESS: "5/3600" } }),
    startTestServer({ env: { GATEHOUSE_TOKEN_FAILED_AUTH_PER_ADDRESS: "2/3600" } }),
    startTestServer({ env: { GATEHOUSE_TOKEN_RATE_PER_CLIENT: "3/3600", GATEHOUSE_TOKEN_FAILED_AUTH_PER_ADDRESS: "5/3600" } }),
  ]);
});
afterAll(() => Promise.all([limited, guarded, perClient].map((server) => server.close())));

const management = (server: TestServer) => ({
  grant_type: "client_credentials",
  resource: server.services.config.tokens.managementResource,
  scope: "all",
});

function expectSlowDown(response: TokenResponse) {
  expect(response.status).toBe(429);
  expect(response.body.error).toBe("slow_down");
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(3600);
}

describe("requests per client and per address", () => {
  it("refuse a client's fourth request in the window, then the address's sixth, whichever client asks", async () => {
    const admin = await adminClient(limited);
    for (let i = 0; i < 3; i++) expect((await requestToken(limited, management(limited), { basic: admin })).status).toBe(200);
    expectSlowDown(await requestToken(limited, management(limited), { basic: admin }));

    // Another client from the same address: the address has one request left (the refused one counted).
    const other = await fixtures(limited.db.prisma).application();
    const params = { grant_type: "client_credentials", client_id: other.id, client_secret: other.secret, resource: "urn:none" };
    expect((await requestToken(limited, params)).status).not.toBe(429);
    expectSlowDown(await requestToken(limited, params));
  });
});

describe("a client's budget", () => {
  it("counts only requests that authenticated as the client: wrong secrets with its id do not use it up", async () => {
    const [id, secret] = await adminClient(perClient);
    // Four wrong secrets with the client's id (more than its budget of three), by form and by Basic.
    for (const basic of [undefined, [id, "wrong"] as [string, string]]) {
      for (let i = 0; i < 2; i++) {
        const params = basic ? management(perClient) : { ...management(perClient), client_id: id, client_secret: "wrong" };
        expect((await requestToken(perClient, params, basic ? { basic } : {})).body.error).toBe("invalid_client");
      }
    }
    // The client still has its whole budget: three tokens, then slow_down, audited as a denial.
    for (let i = 0; i < 3; i++) expect((await requestToken(perClient, management(perClient), { basic: [id, secret] })).status).toBe(200);
    const refused = await requestToken(perClient, management(perClient), { basic: [id, secret] });
    expectSlowDown(refused);
    expect(refused.body.error_description).toMatch(/^too many token requests from this client; retry in \d+ seconds$/);
    const denial = await perClient.db.prisma.auditEvent.findFirst({ where: { action: "token.denied", actor: `application:${id}` } });
    expect(denial?.data).toMatchObject({ error: "slow_down", clientId: id });
  });
});

describe("failed client authentications per address", () => {
  it("after two wrong secrets, even the right secret is refused until the window ends, without reaching the endpoint", async () => {
    const [id, secret] = await adminClient(guarded);
    // Other refusals do not count.
    for (let i = 0; i < 3; i++) expect((await requestToken(guarded, { grant_type: "unknown" })).status).toBe(400);
    expect((await requestToken(guarded, management(guarded), { basic: [id, "wrong"] })).body.error).toBe("invalid_client");
    expect((await requestToken(guarded, management(guarded), { basic: [id, "wrong again"] })).body.error).toBe("invalid_client");
    const denials = await guarded.db.prisma.auditEvent.count({ where: { action: "token.denied" } });
    expectSlowDown(await requestToken(guarded, management(guarded), { basic: [id, secret] }));
    expectSlowDown(await requestToken(guarded, { grant_type: "client_credentials", client_id: "anyone", client_secret: "x" }));
    expect(await guarded.db.prisma.auditEvent.count({ where: { action: "token.denied" } })).toBe(denials);
  });

});

describe("the defaults", () => {
  // The performance goal (docs/performance.md): 4,000 tokens a second, from one client at one address.
  const GOAL_PER_SECOND = 4000;

  it("let one client at one address take tokens at the performance goal with half as much again to spare", () => {
    const { perClient, perAddress } = loadConfig({ GATEHOUSE_MODE: "development" }).tokenRateLimits;
    // A window starts at the first request: a steady rate uses rate × seconds of a window's allowance.
    expect(perClient.points).toBeGreaterThanOrEqual(1.5 * GOAL_PER_SECOND * perClient.seconds);
    expect(perAddress.points).toBeGreaterThanOrEqual(2 * 1.5 * GOAL_PER_SECOND * perAddress.seconds);
  });
});
