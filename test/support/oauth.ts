// Calls to Gatehouse's token endpoint, as raw HTTP, so tests see exactly what clients see.
import { bootstrap } from "../../src/domain/bootstrap.js";
import type { TestServer } from "./server.js";

export const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

export interface TokenResponse {
  status: number;
  headers: Headers;
  body: {
    access_token?: string;
    token_type?: string;
    expires_in?: number;
    scope?: string;
    issued_token_type?: string;
    error?: string;
    error_description?: string;
  };
}

export async function requestToken(
  server: TestServer,
  params: Record<string, string> | URLSearchParams,
  options: { basic?: [string, string]; contentType?: string } = {},
): Promise<TokenResponse> {
  const headers: Record<string, string> = { "content-type": options.contentType ?? "application/x-www-form-urlencoded" };
  if (options.basic) {
    const [id, secret] = options.basic.map((part) => encodeURIComponent(part));
    headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  }
  const response = await fetch(`${server.url}/oauth/token`, {
    method: "POST",
    headers,
    body: params instanceof URLSearchParams ? params : new URLSearchParams(params),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as TokenResponse["body"] };
}

const admins = new WeakMap<TestServer, Promise<[string, string]>>();

/** The bootstrap admin application's credentials (bootstrapped on first use per server). */
export function adminClient(server: TestServer): Promise<[string, string]> {
  let credentials = admins.get(server);
  if (!credentials) {
    credentials = bootstrap(server.db.prisma, server.services.config.tokens.managementResource).then((result) => {
      if (!result.clientSecret) throw new Error("the admin application already existed");
      return [result.clientId, result.clientSecret];
    });
    admins.set(server, credentials);
  }
  return credentials;
}

/** A management token from client credentials, for the bootstrap admin (scope `all` unless given). */
export async function managementToken(server: TestServer, scope = "all"): Promise<string> {
  const response = await requestToken(
    server,
    { grant_type: "client_credentials", resource: server.services.config.tokens.managementResource, scope },
    { basic: await adminClient(server) },
  );
  if (!response.body.access_token) throw new Error(`no management token: ${JSON.stringify(response.body)}`);
  return response.body.access_token;
}

/** A Gatehouse identity token for a user (what `gatehouse token --user` mints). */
export function identityToken(server: TestServer, userId: string, ttlSeconds = 300): Promise<string> {
  return server.services.tokens.sign({ sub: userId, aud: "urn:gatehouse:identity", client_id: "test", scope: "" }, ttlSeconds);
}

/** An organization token for a member, exchanged at the token endpoint like a frontend does. */
export async function organizationToken(server: TestServer, userId: string, organizationId: string): Promise<string> {
  const response = await requestToken(server, {
    grant_type: TOKEN_EXCHANGE,
    subject_token: await identityToken(server, userId),
    subject_token_type: ACCESS_TOKEN_TYPE,
    organization_id: organizationId,
  });
  if (!response.body.access_token) throw new Error(`no organization token: ${JSON.stringify(response.body)}`);
  return response.body.access_token;
}
