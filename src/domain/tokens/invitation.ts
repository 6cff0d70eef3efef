// Invitation tokens: what a product puts in the accept link it sends an invitee. Signed with
// Gatehouse's keys, typed `invitation+jwt` (RFC 8725), so no API takes one for an access token and
// no access token passes for one; `sub` names the invitation and `exp` is its expiry. One-time
// because accepting moves the invitation out of PENDING.
import { type OwnTokenKind, type TokenVerifier, TokenVerificationError } from "../../auth/verify.js";
import { GatehouseError } from "../../errors.js";
import type { TokenIssuer } from "./issue.js";

export const INVITATION_TOKEN = { typ: "invitation+jwt", audience: "urn:gatehouse:invitation" } as const satisfies OwnTokenKind;

export interface InvitationTokens {
  /** The invitation's token; it expires with the invitation. */
  sign(invitation: { id: string; expiresAt: Date }): Promise<string>;
  /**
   * The id of the invitation the token names. BAD_USER_INPUT, with `details.reason`, when it is
   * forged, expired, another issuer's, or another kind of token.
   */
  verify(token: string): Promise<string>;
}

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
