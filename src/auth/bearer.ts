// RFC 6750 §2.1: `Authorization: Bearer <token>`. One parser for every route that takes a bearer
// token (GraphQL, branding uploads, metrics); each route keeps its own refusal shape.

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token in an Authorization header; undefined when the header is missing or not a bearer token. */
export function bearerToken(header: string | null | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}
