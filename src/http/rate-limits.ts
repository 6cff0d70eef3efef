// Rate limits on /oauth/token, per process (rate-limiter-flexible's memory store): requests per
// source address, failed client authentications per source address (which is how a secret is
// guessed), and requests per authenticated client.
//
// The address limits come first, around the endpoint: a refused request gets 429 with Retry-After
// and never reaches it (nor the database, nor the audit table). They read nothing but the TCP
// peer's address, and count failures from the answer's status (only `invalid_client` is 401).
//
// The per-client limit is a step of the endpoint (`admitClient`, after its client authentication
// step): only a request that proved it is the client counts against the client's budget. Counted
// by the claimed client id instead, anyone could exhaust a legitimate client's budget by sending
// its id with wrong secrets; those requests count as failures of their own address instead.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Rate, TokenRateLimits as TokenRateLimitsConfig } from "../config/index.js";
import { OAuthError } from "./oauth/errors.js";
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

  /** `endpoint`'s answer to `request`, or 429 when a limit of its address refuses it. */
  async around(request: TokenHttpRequest, endpoint: TokenEndpoint): Promise<TokenHttpResponse> {
    const { address } = request;
    // Too many failed authentications from this address: nothing more is tried until the window ends.
    const failed = await this.failures.get(address);
    if (failed && failed.consumedPoints >= this.limits.failedAuthenticationsPerAddress.points) {
      return tooManyRequests(retryAfterSeconds(failed), "too many failed client authentications from this address");
    }
    try {
      await this.perAddress.consume(address);
    } catch (rejected) {
      if (rejected instanceof RateLimiterRes) return tooManyRequests(retryAfterSeconds(rejected), "too many token requests");
      throw rejected;
    }
    const answer = await endpoint(request);
    if (answer.status === 401) await this.failures.penalty(address);
    return answer;
  }

  /** Counts a request of the authenticated client `clientId`; past its budget, `slow_down` (429). */
  readonly admitClient = async (clientId: string): Promise<void> => {
    try {
      await this.perClient.consume(clientId);
    } catch (rejected) {
      if (!(rejected instanceof RateLimiterRes)) throw rejected;
      const seconds = retryAfterSeconds(rejected);
      throw new OAuthError("slow_down", `too many token requests from this client; retry in ${seconds} seconds`, seconds);
    }
  };
}

function retryAfterSeconds(limited: RateLimiterRes): number {
  return Math.max(1, Math.ceil(limited.msBeforeNext / 1000));
}

function tooManyRequests(seconds: number, description: string): TokenHttpResponse {
  // RFC 8628's `slow_down` is OAuth's word for "ask less often"; 429 and Retry-After say how long.
  return json(
    429,
    { "retry-after": String(seconds), "cache-control": "no-store" },
    { error: "slow_down", error_description: `${description}; retry in ${seconds} seconds` },
  );
}
