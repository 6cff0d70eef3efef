// Inputs of every shape at /oauth/token: each parameter over-long, with a NUL or not valid
// Unicode, in the form and in Basic credentials, and trusted issuers' tokens whose claims are
// unfit to use. Each is refused with the RFC 6749 code that fits, never a 500.
import type { JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_PARAMETERS, type TokenParameter } from "../../src/http/oauth/params.js";
import { type IdentityProvider, startIdentityProvider } from "../support/identity-provider.js";
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, adminClient, requestToken } from "../support/oauth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let idp: IdentityProvider;
let server: TestServer;

beforeAll(async () => {
  idp = await startIdentityProvider();
  server = await startTestServer({
    // A row for every denial (no counting of repeats), so that each denial here is seen audited.
    env: { GATEHOUSE_TRUSTED_ISSUERS: JSON.stringify([idp.trustedIssuer()]), GATEHOUSE_AUDIT_DENIAL_WINDOW_SECONDS: "0" },
  });
});
afterAll(async () => {
  await server.close();
  await idp.close();
});

const parameters = Object.keys(TOKEN_PARAMETERS) as TokenParameter[];
const badValues = (name: TokenParameter) =>
  [
    ["with a NUL", "a\u0000b", `${name} contains a NUL character`],
    ["over-long", "a".repeat(TOKEN_PARAMETERS[name] + 1), `${name} is longer than ${TOKEN_PARAMETERS[name]} characters`],
  ] as const;

describe("a form parameter that is over-long or holds a NUL", () => {
  it.each(parameters.flatMap((name) => badValues(name).map(([what, value, description]) => [name, what, value, description] as const)))(
    "%s %s: invalid_request naming the parameter, not its value",
    async (name, _what, value, description) => {
      const params = { grant_type: "client_credentials", organization_id: "org", [name]: value };
      const response = await requestToken(server, params);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: "invalid_request", error_description: description });
    },
  );

  it("client_id=a%00b with a secret, organization_id with a NUL: invalid_request, and the denial is audited", async () => {
    for (const body of ["grant_type=client_credentials&client_id=a%00b&client_secret=s", "grant_type=client_credentials&organization_id=a%00b"]) {
      const before = await server.db.prisma.auditEvent.count({ where: { action: "token.denied" } });
      const response = await fetch(`${server.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe("invalid_request");
      expect(await server.db.prisma.auditEvent.count({ where: { action: "token.denied" } })).toBe(before + 1);
    }
  });

  it("a parameter Gatehouse does not read is ignored, whatever it holds", async () => {
    const [id, secret] = await adminClient(server);
    const response = await requestToken(
      server,
      { grant_type: "client_credentials", resource: server.services.config.tokens.managementResource, ui_locales: "a\u0000b" },
      { basic: [id, secret] },
    );
    expect(response.status).toBe(200);
  });
});

describe("Basic credentials that are over-long, hold a NUL or are not valid UTF-8", () => {
  it.each([
    ["a client id with a NUL", ["a\u0000b", "secret"], "client_id contains a NUL character"],
    ["a secret with a NUL", ["client", "s\u0000"], "client_secret contains a NUL character"],
    ["an over-long client id", ["a".repeat(256), "secret"], "client_id is longer than 255 characters"],
  ] as const)("%s: invalid_client", async (_what, basic, description) => {
    const response = await requestToken(server, { grant_type: "client_credentials", organization_id: "org" }, { basic: [...basic] });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: "invalid_client", error_description: description });
  });

  it("an encoded lone surrogate (%ED%A0%80): invalid_client", async () => {
    const response = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from("%ED%A0%80:secret").toString("base64")}`,
      },
      body: "grant_type=client_credentials&organization_id=org",
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "invalid_client", error_description: "malformed Basic credentials" });
  });
});

describe("a trusted issuer's token whose claims are unfit to use", () => {
  const claims = (overrides?: JWTPayload) => idp.claims(overrides);

  it.each([
    ["sub with a NUL", { sub: "a\u0000b" }, "claim sub contains a NUL character"],
    ["an over-long sub", { sub: "s".repeat(256) }, "claim sub is longer than 255 characters"],
    ["sub of the wrong type", { sub: 42 }, "no subject (sub)"],
    ["sub with a lone surrogate", { sub: "a\uD800b" }, "claim sub contains an unpaired surrogate (not valid Unicode)"],
    ["email with a NUL", { email: "m\u0000@example.test", email_verified: true }, "claim email contains a NUL character"],
    ["email of the wrong type", { email: ["m@example.test"] }, "claim email is not a string"],
    ["amr that is not a list of strings", { amr: "pwd" }, "claim amr is not a list of strings"],
    ["client_id with a NUL", { client_id: "c\u0000" }, "claim client_id contains a NUL character"],
    ["a claim the issuer added, with a NUL", { custom: { nested: ["x\u0000"] } }, "claim custom.nested.0 contains a NUL character"],
  ])("%s: invalid_grant", async (_what, overrides, reason) => {
    const response = await requestToken(server, {
      grant_type: TOKEN_EXCHANGE,
      subject_token: await idp.forge(claims(overrides as JWTPayload)),
      subject_token_type: ACCESS_TOKEN_TYPE,
      organization_id: "org",
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: "invalid_grant", error_description: `subject_token is invalid: ${reason}` });
  });

  it("the same claims in a bearer token at /graphql: UNAUTHENTICATED, not a server error", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${await idp.forge(claims({ sub: "a\u0000b" }))}` },
      body: JSON.stringify({ query: "{ viewer { user { id } } }" }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
    expect(body.errors[0]!.message).toContain("claim sub contains a NUL character");
    expect(response.status).toBe(401);
  });
});
