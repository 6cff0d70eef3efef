// Browser-facing protections on every response, HTML pages above all (GraphiQL, the console): a
// Content Security Policy that runs no inline script and lets no other site frame the page, no
// MIME sniffing, no referrer. Built on Hono's secureHeaders (helmet's set) with a stricter policy.
import { Hono, type MiddlewareHandler } from "hono";
import { type SecureHeadersVariables, secureHeaders } from "hono/secure-headers";

type ContentSecurityPolicy = NonNullable<Parameters<typeof secureHeaders>[0]>["contentSecurityPolicy"];

/**
 * The policy of Gatehouse's pages: scripts, styles and workers only from Gatehouse itself, no
 * `eval`, requests only to Gatehouse, never inside a frame. Inline `<style>` is allowed because
 * GraphiQL's editor (Monaco) writes its theme into style elements at run time; styles cannot run
 * code, and scripts stay same-origin only.
 */
export const contentSecurityPolicy: ContentSecurityPolicy = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

export interface SecurityHeadersOptions {
  /** Directives that replace the defaults above, for a page that needs more (or less). */
  contentSecurityPolicy?: ContentSecurityPolicy;
}

/**
 * Applied once to the whole app, so every page (including those added later) has it. Headers a
 * more specific handler already set win, so a page can narrow or widen its own policy.
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler<{ Variables: SecureHeadersVariables }> {
  return secureHeaders({
    contentSecurityPolicy: { ...contentSecurityPolicy, ...options.contentSecurityPolicy },
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    xContentTypeOptions: "nosniff",
    // HSTS belongs to whatever terminates TLS in front of Gatehouse; sent from here over plain
    // HTTP (development) it would be ignored, and `includeSubDomains` is the domain owner's call.
    strictTransportSecurity: false,
    overwrite: false,
  });
}

/**
 * The headers `securityHeaders()` adds to an answer that sets none of them, taken from the
 * middleware itself (once, at start) for the token listener, which answers without Hono.
 */
export async function securityHeaderValues(): Promise<[string, string][]> {
  const probe = new Hono();
  probe.use(securityHeaders());
  probe.get("/", (c) => c.body(null));
  return [...(await probe.request("/")).headers];
}
