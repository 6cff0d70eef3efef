// One webhook request: POST the signed payload, within a deadline, to an address the policy allows.
// The host is resolved once, every address it resolves to is checked, and the connection goes to
// the checked address (node's `lookup` hook) while the URL's host stays in the Host header and the
// TLS server name: a DNS answer that changes between a check and the connection (DNS rebinding)
// cannot slip a private address in. Redirects are not followed (a 3xx is a failed attempt).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { type AddressPolicy, literalAddress } from "../domain/webhooks/addresses.js";

export type SendResult =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; kind: "status" | "timeout" | "network" | "address_refused" };

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: AddressPolicy;
  /** Aborts the attempt (the worker is stopping). */
  signal: AbortSignal;
}

/** Response bytes read before the connection is dropped: the body is not used. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export class AddressRefusedError extends Error {
  readonly code = "EADDRREFUSED";
}

export function sendWebhook(options: SendOptions): Promise<SendResult> {
  const url = new URL(options.url);
  const literal = literalAddress(url);
  const refusal = literal === undefined ? undefined : options.policy.refusal(literal);
  if (refusal) return Promise.resolve(refused(`${literal} is a ${refusal} address`));
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([deadline, options.signal]);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    const outgoing = request(url, {
      method: "POST",
      headers: { ...options.headers, "content-length": String(Buffer.byteLength(options.body)) },
      lookup: guardedLookup(options.policy),
      agent: false,
      signal,
    });
    outgoing.on("response", (response) => {
      drain(response, () => {
        const statusCode = response.statusCode ?? 0;
        resolve(statusCode >= 200 && statusCode < 300 ? { ok: true, statusCode } : { ok: false, statusCode, error: `HTTP ${statusCode}`, kind: "status" });
      });
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof AddressRefusedError) resolve(refused(error.message));
      else if (deadline.aborted) resolve({ ok: false, statusCode: null, error: `no response within ${options.timeoutMs} ms`, kind: "timeout" });
      else resolve({ ok: false, statusCode: null, error: error.code ? `${error.code}: ${error.message}` : error.message, kind: "network" });
    });
    outgoing.end(options.body);
  });
}

function refused(reason: string): SendResult {
  return { ok: false, statusCode: null, error: `refused: ${reason}, which webhooks may not reach (GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS)`, kind: "address_refused" };
}

/** Reads (and drops) the response body, up to a limit, then calls `done`. */
function drain(response: IncomingMessage, done: () => void): void {
  let bytes = 0;
  response.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > MAX_RESPONSE_BYTES) response.destroy();
  });
  response.on("close", done);
}

/** A `lookup` for net.connect that resolves once and refuses when any address is not allowed. */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      for (const { address } of addresses) {
        const refusal = policy.refusal(address);
        if (refusal) return callback(new AddressRefusedError(`${hostname} resolves to ${address}, a ${refusal} address`), "", 0);
      }
      if (options.all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
