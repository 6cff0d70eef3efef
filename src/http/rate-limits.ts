// Rate limits on /oauth/token, per process (rate-limiter-flexible's memory store): requests per
// client and per source address, and — hardest — failed client authentications per source address,
// which is how a secret is guessed. A refused request gets 429 with Retry-After and never reaches
// the endpoint (nor the database, nor the audit table). The endpoint's steps stay untouched: the
// limiter reads who asks from the request and counts failures from the answer's status (only
// `invalid_client` is 401 there).
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Rate, TokenRateLimits as TokenRateLimitsConfig } from "../config/index.js";
import { type TokenEndpoint, type TokenHttpRequest, type TokenHttpResponse, json } from "./oauth/token.js";

const limiter = ({ points, seconds }: Rate) => new RateLimiterMemory({ points, duration: seconds });

export class TokenRateLimits {
  private readonly perClient: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;
  private readonly failures: RateLimiterMemory;

  constructor(private readonly limits: TokenRateLimitsConfig) {
    this.perClient = limiter(limits.perClient);
    this.perAddress = limiter(limits.perAddress);
    this.failures = limiter(limits.failedAuthenticationsPerAddress);
  }

  /** `endpoint`'s answer to `request`, or 429 when a limit refuses it. */
  async around(request: TokenHttpRequest, endpoint: TokenEndpoint): Promise<TokenHttpResponse> {
    const { address } = request;
    // Too many failed authentications from this address: nothing more is tried until the window ends.
    const failed = await this.failures.get(address);
    if (failed && failed.consumedPoints >= this.limits.failedAuthenticationsPerAddress.points) {
      return tooManyRequests(failed.msBeforeNext, "too many failed client authentications from this address");
    }
    const client = clientIdOf(request);
    try {
      await this.perAddress.consume(address);
      if (client !== undefined) await this.perClient.consume(client);
    } catch (rejected) {
      if (rejected instanceof RateLimiterRes) return tooManyRequests(rejected.msBeforeNext, "too many token requests");
      throw rejected;
    }
    const answer = await endpoint(request);
    if (answer.status === 401) await this.failures.penalty(address);
    return answer;
  }
}

/** The client a token request names: HTTP Basic's user name, else the form's client_id. */
function clientIdOf(request: TokenHttpRequest): string | undefined {
  const basic = request.authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon > 0 ? safeDecode(decoded.slice(0, colon)) : undefined;
  }
  if (!request.contentType?.startsWith("application/x-www-form-urlencoded")) return undefined;
  return new URLSearchParams(request.body).get("client_id") ?? undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function tooManyRequests(msBeforeNext: number, description: string): TokenHttpResponse {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  // RFC 8628's `slow_down` is OAuth's word for "ask less often"; 429 and Retry-After say how long.
  return json(
    429,
    { "retry-after": String(seconds), "cache-control": "no-store" },
    { error: "slow_down", error_description: `${description}; retry in ${seconds} seconds` },
  );
}
