// Invitation tokens: what a product puts in the accept link it sends an invitee. Signed with
// Gatehouse's keys, typed `invitation+jwt` (RFC 8725), so no API takes one for an access token and
// no access token passes for one; `sub` names the invitation and `exp` is its expiry. One-time
// because accepting moves the invitation out of PENDING. `src/auth/invitation-tokens.ts` signs
// and verifies them.

export const INVITATION_TOKEN = { typ: "invitation+jwt", audience: "urn:gatehouse:invitation" } as const;

export interface InvitationTokens {
  /** The invitation's token; it expires with the invitation. */
  sign(invitation: { id: string; expiresAt: Date }): Promise<string>;
  /**
   * The id of the invitation the token names. BAD_USER_INPUT, with `details.reason`, when it is
   * forged, expired, another issuer's, or another kind of token.
   */
  verify(token: string): Promise<string>;
}
