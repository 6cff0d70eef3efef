// Turns a request's Authorization header into the GraphQL principal. No header: anonymous. A
// header that is not a valid token: the whole request fails with 401 UNAUTHENTICATED.
import { GraphQLError } from "graphql";
import { bearerToken } from "../auth/bearer.js";
import { type Authentication, principalFromToken } from "../auth/principal.js";
import type { AuthServices } from "../auth/services.js";
import { TokenVerificationError } from "../auth/verify.js";

function unauthenticated(reason: string): GraphQLError {
  return new GraphQLError(`Invalid token: ${reason}.`, {
    extensions: {
      code: "UNAUTHENTICATED",
      http: {
        status: 401,
        headers: { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${reason.replace(/"/g, "'")}"` },
      },
    },
  });
}

/** The request's caller; null without an Authorization header. */
export async function authenticate(services: AuthServices, request: Request): Promise<Authentication | null> {
  const header = request.headers.get("authorization");
  if (header === null) return null;
  const token = bearerToken(header);
  if (token === undefined) throw unauthenticated("the Authorization header must be `Bearer <token>`");
  try {
    return await principalFromToken(services, services.db.prisma, token);
  } catch (error) {
    if (error instanceof TokenVerificationError) throw unauthenticated(error.reason);
    throw error;
  }
}
