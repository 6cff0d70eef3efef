// Token issuance rate: client_credentials and token exchange, on the embedded database and on
// PostgreSQL. Run with `npm run bench` (or `npm run bench -- tokens`).
import { fixtures } from "../test/support/fixtures.js";
import { bootstrap } from "../src/domain/bootstrap.js";
import { type Backend, load, startBenchServer } from "./support.js";

export async function benchTokens(backend: Backend, seconds: number): Promise<Record<string, string | number>[]> {
  const server = await startBenchServer(backend);
  try {
    const { prisma } = server.db;
    const admin = await bootstrap(prisma, server.services.config.tokens.managementResource);
    const f = fixtures(prisma);
    const organization = await f.organization();
    const user = await f.user();
    const role = await f.organizationRole({ permissions: ["read:organization", "read:members", "invite:members"] });
    await f.member(organization.id, user.id, [role.id]);
    const identity = await server.services.tokens.sign(
      { sub: user.id, aud: "urn:gatehouse:identity", client_id: "bench", scope: "" },
      3600,
    );
    const url = `${server.url}/oauth/token`;
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const basic = `Basic ${Buffer.from(`${admin.clientId}:${admin.clientSecret}`).toString("base64")}`;

    const clientCredentials = await load({
      url,
      seconds,
      headers: { ...form, authorization: basic },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        resource: server.services.config.tokens.managementResource,
        scope: "organizations:read",
      }).toString(),
    });
    const exchange = await load({
      url,
      seconds,
      headers: form,
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: identity,
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        organization_id: organization.id,
      }).toString(),
    });
    return [
      { backend, grant: "client_credentials", ...clientCredentials },
      { backend, grant: "token-exchange (organization token)", ...exchange },
    ];
  } finally {
    await server.close();
  }
}
