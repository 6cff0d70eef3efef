// Rate limits on /oauth/token, per process (rate-limiter-flexible's memory store): requests per
// client and per source address, and — hardest — failed client authentications per source address,
// which is how a secret is guessed. A refused request gets 429 with Retry-After and never reaches
// the endpoint (nor the database, nor the audit table). The endpoint's internals stay untouched: the
// limiter reads who asks from the request and counts failures from the response's status (only
// `invalid_client` is 401 there).
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Rate, TokenRateLimits } from "../config/index.js";

const limiter = ({ points, seconds }: Rate) => new RateLimiterMemory({ points, duration: seconds });

export function tokenRateLimits(limits: TokenRateLimits): MiddlewareHandler {
  const perClient = limiter(limits.perClient);
  const perAddress = limiter(limits.perAddress);
  const failures = limiter(limits.failedAuthenticationsPerAddress);

  return async (c, next) => {
    const address = sourceAddress(c);
    // Too many failed authentications from this address: nothing more is tried until the window ends.
    const failed = await failures.get(address);
    if (failed && failed.consumedPoints >= limits.failedAuthenticationsPerAddress.points) {
      return tooManyRequests(c, failed.msBeforeNext, "too many failed client authentications from this address");
    }
    const client = await clientIdOf(c.req.raw);
    try {
      await perAddress.consume(address);
      if (client !== undefined) await perClient.consume(client);
    } catch (rejected) {
      if (rejected instanceof RateLimiterRes) return tooManyRequests(c, rejected.msBeforeNext, "too many token requests");
      throw rejected;
    }
    await next();
    if (c.res.status === 401) await failures.penalty(address);
  };
}

function sourceAddress(c: Context): string {
  // The socket's peer: a proxy in front of Gatehouse makes every caller one address (see README).
  return getConnInfo(c).remote.address ?? "unknown";
}

/** The client a token request names: HTTP Basic's user name, else the form's client_id. */
async function clientIdOf(request: Request): Promise<string | undefined> {
  const authorization = request.headers.get("authorization");
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon > 0 ? safeDecode(decoded.slice(0, colon)) : undefined;
  }
  if (!request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded")) return undefined;
  // A clone: the endpoint reads the body itself (it is at most GATEHOUSE_MAX_BODY_BYTES).
  return new URLSearchParams(await request.clone().text()).get("client_id") ?? undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function tooManyRequests(c: Context, msBeforeNext: number, description: string): Response {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  // RFC 8628's `slow_down` is OAuth's word for "ask less often"; 429 and Retry-After say how long.
  return c.json({ error: "slow_down", error_description: `${description}; retry in ${seconds} seconds` }, 429, {
    "retry-after": String(seconds),
    "cache-control": "no-store",
  });
}
