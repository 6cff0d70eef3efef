// Who may use the development token path: only in development mode (the routes do not exist in
// production), only over a loopback connection, only with a loopback `Host` (and `Origin`, when a
// browser sends one) so a web page cannot reach it through DNS rebinding, and only with this
// process's secret. The secret reaches the CLI through `dev-server.json` in the data folder (mode
// 0600) and the pages Gatehouse serves in development through a meta tag.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";

export const DEVELOPMENT_PATH = "/dev";
/** The `client_id` of development tokens, whether the server or the CLI mints them. */
export const DEVELOPMENT_CLIENT = "gatehouse-cli";
export const DEVELOPMENT_SECRET_HEADER = "x-gatehouse-dev-secret";
/** `<meta name="gatehouse-dev-secret" content="…">` on the pages Gatehouse serves in development. */
export const DEVELOPMENT_SECRET_META = "gatehouse-dev-secret";

export interface DevelopmentAccess {
  /** Per process: a restart makes every copy of the old one useless. */
  readonly secret: string;
}

export function createDevelopmentAccess(): DevelopmentAccess {
  return { secret: randomBytes(32).toString("base64url") };
}

/** The meta tag that hands the secret to a development page's own script. */
export function developmentSecretMeta(access: DevelopmentAccess): string {
  // base64url needs no HTML escaping.
  return `<meta name="${DEVELOPMENT_SECRET_META}" content="${access.secret}">`;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (`::ffff:127.0.0.1`), as Node reports peers. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return v4 === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Whether a `Host` header (`localhost:4000`, `127.0.0.1`, `[::1]:4000`) names this machine's loopback. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * The secret for a page Gatehouse serves (the console) in answer to this request: only when the
 * request came over loopback with a loopback `Host`, the same conditions the development
 * endpoints themselves check, so a page fetched from another machine or through a rebinding
 * name never carries it.
 */
export function developmentSecretForPage(access: DevelopmentAccess, c: Context<{ Bindings: HttpBindings }>): string | undefined {
  return isLoopbackAddress(c.env?.incoming?.socket?.remoteAddress) && isLoopbackHost(c.req.header("host")) ? access.secret : undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  // Digests have equal lengths, so the comparison takes the same time whatever was sent.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const refuse = (description: string) => ({ error: "access_denied", error_description: description });

/**
 * The guard of every development route. A connection from another machine gets the same 404 as
 * production (nothing is there for it); a local caller that fails a check gets 403 saying which.
 */
export function developmentOnly(access: DevelopmentAccess): MiddlewareHandler<{ Bindings: HttpBindings }> {
  return async (c, next) => {
    if (!isLoopbackAddress(c.env?.incoming?.socket?.remoteAddress)) {
      return c.json({ error: "not_found", message: `No route for ${c.req.method} ${c.req.path}.` }, 404);
    }
    if (!isLoopbackHost(c.req.header("host"))) {
      return c.json(refuse("the development endpoints answer only to a loopback Host (localhost, 127.0.0.1, [::1])"), 403);
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && !isLoopbackOrigin(origin)) {
      return c.json(refuse("the development endpoints answer only to pages served from loopback"), 403);
    }
    if (!sameSecret(c.req.header(DEVELOPMENT_SECRET_HEADER), access.secret)) {
      return c.json(refuse(`${DEVELOPMENT_SECRET_HEADER} is missing or wrong (see dev-server.json in the data folder)`), 403);
    }
    c.header("cache-control", "no-store");
    await next();
  };
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopbackHost(new URL(origin).host);
  } catch {
    return false;
  }
}
