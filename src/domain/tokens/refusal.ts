// Why the domain refuses a token request. Each reason is a rule of docs/tokens.md; the token
// endpoint (src/http/oauth/errors.ts) maps each to its OAuth error code, the development token
// endpoint and the CLI print them the same way.

export const tokenRefusalReasons = {
  /** Neither `organization_id` nor `resource`: the decision table has no row for it. */
  target_required: "organization_id or resource is required",
  /** `resource` names no registered API resource. */
  unknown_resource: "resource is not a registered API resource indicator",
  /** The subject is not a member of the organization (or it does not exist: ids are not probed). */
  not_a_member: "is not a member of the organization",
  /** The organization requires MFA and the user has none enrolled. */
  mfa_not_enrolled: "organization requires MFA but user has no MFA configured",
  /** The organization requires MFA in the session (strict rule) and `amr` shows no second factor. */
  mfa_not_in_session: "organization requires MFA in this session, and the subject token's amr shows no second factor",
} as const;

export type TokenRefusalReason = keyof typeof tokenRefusalReasons;

export class TokenRefusal extends Error {
  constructor(
    readonly reason: TokenRefusalReason,
    readonly description: string = tokenRefusalReasons[reason],
  ) {
    super(description);
    this.name = "TokenRefusal";
  }
}
