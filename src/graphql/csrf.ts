// Cross-site request forgery prevention for /graphql. A browser sends a "simple" request (a form
// post, an <img> GET) to any site without asking it first (no CORS preflight), so such a request
// must never execute. Only two shapes run:
//   - POST with `Content-Type: application/json`, which no form can send and every GraphQL client
//     does (a script's JSON POST to another origin is preflighted);
//   - GET carrying a header no simple request can carry: `Authorization`, or one of the preflight
//     headers clients already know from Yoga and Apollo.
// Yoga's own @graphql-yoga/plugin-csrf-prevention is close, but lets form-urlencoded and multipart
// POSTs through when they carry its header, and refuses without an `extensions.code`; Gatehouse
// accepts no form or multipart body at all, so the whole rule fits here.
import { createGraphQLError, type Plugin } from "graphql-yoga";

/** Request headers that make a GET non-simple, so a browser preflights it (CORS) before sending. */
export const PREFLIGHT_HEADERS = ["authorization", "x-graphql-yoga-csrf", "apollo-require-preflight", "x-apollo-operation-name"] as const;

export const JSON_CONTENT_TYPE = "application/json";

export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method === "POST") {
        if (mediaType(request.headers.get("content-type")) !== JSON_CONTENT_TYPE) {
          throw createGraphQLError(`POST requests must send a JSON body (Content-Type: ${JSON_CONTENT_TYPE}).`, {
            extensions: { code: "UNSUPPORTED_MEDIA_TYPE", details: { accepted: [JSON_CONTENT_TYPE] }, http: { status: 415 } },
          });
        }
      } else if (!PREFLIGHT_HEADERS.some((header) => request.headers.has(header))) {
        throw createGraphQLError(
          `GET requests must carry an Authorization header or one of ${PREFLIGHT_HEADERS.slice(1).join(", ")}, so that browsers check CORS before sending them.`,
          { extensions: { code: "CSRF_PREVENTED", details: { headers: [...PREFLIGHT_HEADERS] }, http: { status: 403 } } },
        );
      }
    },
  };
}

/** `application/json; charset=utf-8` → `application/json`. */
function mediaType(contentType: string | null): string | undefined {
  return contentType?.split(";")[0]?.trim().toLowerCase();
}
