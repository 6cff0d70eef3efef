// node-oidc-provider 9 as a real deployment would configure it for machine-to-machine tokens: the
// peer of the token benchmark. Client credentials with `client_secret_basic`, resource indicators,
// JWT access tokens signed with an ES256 key. Plain JavaScript so the peer runs on bare `node` with
// no TypeScript loader in its process (its memory is measured).
//   PORT=… NODE_ENV=production BENCH_CLIENT_SECRET=… node bench/peers/oidc-provider.mjs
import { createServer } from "node:http";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

const RESOURCE = "https://api.bench.example";
const CLIENT_ID = "bench-machine";
const SCOPES = "organizations:read organizations:write";

const { privateKey } = await generateKeyPair("ES256", { extractable: true });
const key = { ...(await exportJWK(privateKey)), kid: "bench-es256", alg: "ES256", use: "sig" };

const server = createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  jwks: { keys: [key] },
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: process.env.BENCH_CLIENT_SECRET ?? "bench-secret-bench-secret-bench-secret",
      token_endpoint_auth_method: "client_secret_basic",
      // The only key is ES256; the default (RS256) would make the client invalid.
      id_token_signed_response_alg: "ES256",
      grant_types: ["client_credentials"],
      redirect_uris: [],
      response_types: [],
    },
  ],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== RESOURCE) throw new Provider.errors.InvalidTarget();
        return { scope: SCOPES, audience: RESOURCE, accessTokenFormat: "jwt", accessTokenTTL: 3600, jwt: { sign: { alg: "ES256" } } };
      },
    },
  },
});
provider.proxy = false;
server.on("request", provider.callback());
console.log(JSON.stringify({ ready: issuer, resource: RESOURCE, clientId: CLIENT_ID }));
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => process.exit(0)));
