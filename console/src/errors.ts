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
  INTERNAL_SERVER_ERROR: "The server failed unexpectedly; its log says why",
  GRAPHQL_PARSE_FAILED: "The console sent a malformed request (a bug in the console)",
  GRAPHQL_VALIDATION_FAILED: "The console and the server disagree about the API (reload the page)",
};

/** One sentence per distinct problem: the code in words, then the server's own detail. */
export function describeError(error: CombinedError | undefined | null): string | undefined {
  if (!error) return undefined;
  if (error.networkError && error.graphQLErrors.length === 0) {
    return `The server could not be reached: ${error.networkError.message}`;
  }
  const sentences = error.graphQLErrors.map((graphQLError) => {
    const code = typeof graphQLError.extensions?.code === "string" ? graphQLError.extensions.code : undefined;
    const field = typeof graphQLError.extensions?.field === "string" ? ` (${graphQLError.extensions.field})` : "";
    const general = code ? words[code] : undefined;
    return general ? `${general}${field}: ${graphQLError.message}` : graphQLError.message;
  });
  return [...new Set(sentences)].join(" ");
}
