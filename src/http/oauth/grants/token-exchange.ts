// Token exchange (RFC 8693): a signed-in user's token (Gatehouse identity token, or a trusted
// issuer's) for an organization or API token. The client may be public.
import type { AuthServices } from "../../../auth/services.js";
import { TokenVerificationError } from "../../../auth/verify.js";
import { IDENTITY_AUDIENCE, userForIdentity } from "../../../domain/users.js";
import { OAuthError } from "../errors.js";
import { type GrantType, targetOf } from "./grant.js";

export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";

export const tokenExchange: GrantType = {
  type: "urn:ietf:params:oauth:grant-type:token-exchange",
  required: ["subject_token", "subject_token_type"],
  refused: {
    actor_token: "delegation (actor_token) is not supported",
    audience: "audience is not supported: use resource",
  },
  issuedTokenType: ACCESS_TOKEN_TYPE,
  async check({ services, params, client }) {
    const subjectTokenType = params.get("subject_token_type");
    if (subjectTokenType !== ACCESS_TOKEN_TYPE && subjectTokenType !== JWT_TYPE) {
      throw new OAuthError("invalid_request", "subject_token_type must be an access_token or a jwt");
    }
    const requestedType = params.get("requested_token_type");
    if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
      throw new OAuthError("invalid_request", `requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    const target = targetOf(params);
    const identity = await verifySubjectToken(services, params.get("subject_token")!);
    return {
      actor: `user:${identity.userId}`,
      request: {
        subject: { type: "user", id: identity.userId },
        clientId: client?.id ?? identity.clientId,
        ...(identity.amr ? { amr: identity.amr } : {}),
        ...target,
      },
    };
  },
};

/** The user a subject token identifies: Gatehouse identity tokens, or a trusted issuer's. */
async function verifySubjectToken(services: AuthServices, token: string) {
  let verified;
  try {
    verified = await services.verifier.verify(token);
  } catch (error) {
    if (error instanceof TokenVerificationError) {
      throw new OAuthError("invalid_grant", `subject_token is invalid: ${error.reason}`);
    }
    throw error;
  }
  const { claims } = verified;
  const amr = claims.amr;
  const clientId = claims.client_id ?? claims.azp;
  if (verified.source === "gatehouse") {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(IDENTITY_AUDIENCE)) {
      throw new OAuthError("invalid_grant", "subject_token is not an identity token");
    }
    const user = await services.db.prisma.user.findUnique({ where: { id: claims.sub }, select: { id: true } });
    if (!user) throw new OAuthError("invalid_grant", "subject_token names an unknown user");
    return { userId: user.id, clientId: clientId ?? services.issuer(), amr };
  }
  const user = await userForIdentity(services.db.prisma, {
    issuer: verified.issuer,
    subject: claims.sub,
    claims: {
      ...(claims.email !== undefined ? { email: claims.email } : {}),
      ...(claims.email_verified !== undefined ? { email_verified: claims.email_verified } : {}),
      ...(claims.name !== undefined ? { name: claims.name } : {}),
      ...(claims.picture !== undefined ? { picture: claims.picture } : {}),
    },
  });
  if (!user) throw new OAuthError("invalid_grant", "no Gatehouse user is linked to this identity");
  return { userId: user.id, clientId: clientId ?? verified.issuer.issuer, amr };
}
