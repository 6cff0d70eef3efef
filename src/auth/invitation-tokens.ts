// Signing and verifying invitation tokens (what they are: src/domain/tokens/invitation.ts).
import { INVITATION_TOKEN, type InvitationTokens } from "../domain/tokens/invitation.js";
import { GatehouseError } from "../errors.js";
import type { TokenIssuer } from "./tokens.js";
import { type TokenVerifier, TokenVerificationError } from "./verify.js";

export function invitationTokens(issuer: TokenIssuer, verifier: TokenVerifier): InvitationTokens {
  return {
    sign: (invitation) =>
      issuer.signToken({
        typ: INVITATION_TOKEN.typ,
        sub: invitation.id,
        aud: INVITATION_TOKEN.audience,
        expiresAt: Math.floor(invitation.expiresAt.getTime() / 1000),
      }),
    async verify(token) {
      try {
        return (await verifier.verifyOwn(token, INVITATION_TOKEN)).sub;
      } catch (error) {
        if (!(error instanceof TokenVerificationError)) throw error;
        throw new GatehouseError("BAD_USER_INPUT", `invalid invitation token: ${error.reason}`, {
          field: "input.invitationToken",
          details: { reason: error.reason },
          cause: error,
        });
      }
    },
  };
}
