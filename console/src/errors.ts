// Gatehouse's error codes (extensions.code) in words a console user understands.
import type { CombinedError } from "urql";

const words: Record<string, string> = {
  BAD_USER_INPUT: "Something in the form is not valid",
  NOT_FOUND: "It no longer exists, or you may not see it",
  CONFLICT: "That clashes with what exists (a name already taken, or something changed meanwhile)",
  ROLE_TYPE_MISMATCH: "That role is for the other kind of member (user roles for users, machine-to-machine roles for applications)",
  MEMBERSHIP_REQUIRED: "They must be members of the organization first",
  BUILT_IN_RESOURCE: "Gatehouse's own management API cannot be changed or deleted",
  UNAUTHENTICATED: "Your sign-in has expired: reload the page to sign in again",
  FORBIDDEN: "Your account is not allowed to do that",
  QUERY_LIMIT_EXCEEDED: "The request was too large for the server's limits",
  OPERATION_TIMEOUT: "The server took too long and stopped (try a smaller page or a narrower search)",
  RESULT_TOO_LARGE: "The answer would have been too large for the server's limits (try a smaller page)",
  PAYLOAD_TOO_LARGE: "That is larger than the server accepts",
  UNSUPPORTED_MEDIA_TYPE: "The server does not accept that kind of file (PNG, JPEG or WebP images only)",
  CSRF_PREVENTED: "The server refused a request that did not look like it came from the console (reload the page)",
  SERVICE_UNAVAILABLE: "The server's database is unavailable right now; try again in a moment",
  INTERNAL_SERVER_ERROR: "The server failed unexpectedly; its log says why",
  CURSOR_EXPIRED: "The events next to this page were deleted by audit retention (they were older than the server keeps) while you were paging",
  GRAPHQL_PARSE_FAILED: "The console sent a malformed request (a bug in the console)",
  GRAPHQL_VALIDATION_FAILED: "The console and the server disagree about the API (reload the page)",
};

/** What needs one of these management scopes, in words ("all" grants every scope, so it goes without saying). */
export function needsScopes(scopes: readonly string[]): string {
  const named = scopes.filter((scope) => scope !== "all");
  return named.length ? `This needs the ${named.join(" or ")} scope (or all)` : "This needs the all scope";
}

/**
 * What a refused field required (a FORBIDDEN error's `extensions.required`), in words. The console
 * signs in with management tokens, so the management scopes are what the user can be given.
 */
export function describeRequired(required: unknown): string | undefined {
  if (!required || typeof required !== "object") return undefined;
  const { rule, managementScopes } = required as { rule?: unknown; managementScopes?: unknown };
  if (Array.isArray(managementScopes) && managementScopes.every((scope) => typeof scope === "string")) return needsScopes(managementScopes);
  return typeof rule === "string" ? `This needs ${rule}` : undefined;
}

/** One sentence per distinct problem: the code in words, what it needed (FORBIDDEN), then the server's own detail. */
export function describeError(error: CombinedError | undefined | null): string | undefined {
  if (!error) return undefined;
  if (error.networkError && error.graphQLErrors.length === 0) {
    return `The server could not be reached: ${error.networkError.message}`;
  }
  const sentences = error.graphQLErrors.map((graphQLError) => {
    const extensions = graphQLError.extensions ?? {};
    const code = typeof extensions.code === "string" ? extensions.code : undefined;
    const field = typeof extensions.field === "string" ? extensions.field : undefined;
    const required = code === "FORBIDDEN" ? describeRequired(extensions.required) : undefined;
    return required ? `${words.FORBIDDEN}: ${required.charAt(0).toLowerCase()}${required.slice(1)}. ${graphQLError.message}` : describeCode(code, graphQLError.message, field);
  });
  return [...new Set(sentences)].join(" ");
}

/** An error code in words, without the server's detail (undefined for a code this console does not know). */
export function codeInWords(code: string): string | undefined {
  return words[code];
}

/** A refusal with this code (GraphQL `extensions.code`, or the `code` of an HTTP route's JSON) in words, then the server's detail. */
export function describeCode(code: string | undefined, message: string, field?: string): string {
  const general = code ? words[code] : undefined;
  if (general) return `${general}${field ? ` (${field})` : ""}: ${message}`;
  // A code this console does not know yet (a newer server) still names the kind of problem.
  return code ? `${message} (${code})` : message;
}
