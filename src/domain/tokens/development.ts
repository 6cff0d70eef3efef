// Development tokens: what `gatehouse token` and the development token endpoint (`POST /dev/tokens`)
// mint, in development mode only. A management token carries the scopes asked for; every other
// kind goes through the same decision (`decideAccessToken`) as the token endpoint, so an organization token as a
// user holds exactly what that user's current roles grant there, under the same MFA rule.
import { z } from "zod";
import type { PrismaClient } from "../../db/index.js";
import { GatehouseError } from "../../errors.js";
import { parseInput } from "../input.js";
import { managementScopes } from "../management.js";
import { IDENTITY_AUDIENCE } from "../users.js";
import type { AccessTokenSigner } from "./issue.js";

/** The longest development token (seconds) for management and identity tokens. */
export const DEVELOPMENT_TOKEN_MAX_TTL = 86_400;
const DEFAULT_TTL = 3600;

const id = z.string().trim().min(1, "must not be empty").max(320);
const scopes = z.array(z.string().min(1).max(128)).max(100).optional();
const amr = z.array(z.string().min(1).max(32)).max(10).optional();
const ttl = z.number().int().min(1).max(DEVELOPMENT_TOKEN_MAX_TTL, `must be at most ${DEVELOPMENT_TOKEN_MAX_TTL} seconds`).optional();
/** Who an organization or API token is for: a user (id or primary email) or an M2M application. */
const subject = { userId: id.optional(), applicationId: id.optional() };
const oneSubject = (request: { userId?: string | undefined; applicationId?: string | undefined }) =>
  (request.userId === undefined) !== (request.applicationId === undefined);
const oneSubjectMessage = { message: "give exactly one of userId, applicationId", path: ["userId"] };

export const developmentTokenRequest = z.discriminatedUnion("kind", [
  /** A management token with these scopes (default `all`). */
  z.strictObject({ kind: z.literal("management"), scopes, ttl }),
  /** A Gatehouse identity token for the user: the subject token of a token exchange, or for `viewer`. */
  z.strictObject({ kind: z.literal("identity"), userId: id, amr, ttl }),
  /** The organization token (or, with `resource`, organization-level API token) the token endpoint would issue. */
  z
    .strictObject({ kind: z.literal("organization"), ...subject, organizationId: id, resource: id.optional(), scopes, amr })
    .refine(oneSubject, oneSubjectMessage),
  /** The global API token the token endpoint would issue for `resource`. */
  z.strictObject({ kind: z.literal("resource"), ...subject, resource: id, scopes, amr }).refine(oneSubject, oneSubjectMessage),
]);

export type DevelopmentTokenRequest = z.input<typeof developmentTokenRequest>;

export interface DevelopmentToken {
  accessToken: string;
  expiresIn: number;
  scope: string[];
  audience: string;
}

export interface DevelopmentTokenContext {
  prisma: PrismaClient;
  tokens: AccessTokenSigner;
  /** Resource indicator of the management API (the management token's audience). */
  managementResource: string;
  /** The `client_id` the token names: who minted it (the CLI, GraphiQL). */
  clientId: string;
}

/** Mints the development token `input` asks for. Bad input: BAD_USER_INPUT; unknown user: NOT_FOUND. */
export async function mintDevelopmentToken(context: DevelopmentTokenContext, input: unknown): Promise<DevelopmentToken> {
  const request = parseInput(developmentTokenRequest, input, "");
  const { prisma, tokens, clientId } = context;
  switch (request.kind) {
    case "management": {
      const scope = request.scopes ?? ["all"];
      const unknown = scope.filter((name) => !(name in managementScopes));
      if (unknown.length > 0) {
        throw new GatehouseError("BAD_USER_INPUT", `unknown management scope(s): ${unknown.join(", ")}`, {
          field: "scopes",
          details: { known: Object.keys(managementScopes) },
        });
      }
      const expiresIn = request.ttl ?? DEFAULT_TTL;
      const audience = context.managementResource;
      const claims = { sub: clientId, client_id: clientId, aud: audience, scope: scope.join(" ") };
      return { accessToken: await tokens.sign(claims, expiresIn), expiresIn, scope, audience };
    }
    case "identity": {
      const user = await findUser(prisma, request.userId);
      const expiresIn = request.ttl ?? DEFAULT_TTL;
      const claims = { sub: user.id, client_id: clientId, aud: IDENTITY_AUDIENCE, scope: "", ...(request.amr ? { amr: request.amr } : {}) };
      return { accessToken: await tokens.sign(claims, expiresIn), expiresIn, scope: [], audience: IDENTITY_AUDIENCE };
    }
    case "organization":
    case "resource": {
      const subject = request.userId
        ? ({ type: "user", id: (await findUser(prisma, request.userId)).id } as const)
        : ({ type: "application", id: request.applicationId! } as const);
      const { accessToken, expiresIn, scope, audience } = await tokens.issue({
        subject,
        clientId: subject.type === "application" ? subject.id : clientId,
        ...(request.kind === "organization" ? { organizationId: request.organizationId } : {}),
        ...(request.resource !== undefined ? { resource: request.resource } : {}),
        ...(request.scopes ? { scope: request.scopes } : {}),
        ...(request.amr ? { amr: request.amr } : {}),
      });
      return { accessToken, expiresIn, scope, audience };
    }
  }
}

/** A user by id, or by primary email (case-insensitive, as emails are everywhere in Gatehouse). */
async function findUser(prisma: PrismaClient, idOrEmail: string) {
  const user = await prisma.user.findFirst({
    where: { OR: [{ id: idOrEmail }, { primaryEmail: { equals: idOrEmail, mode: "insensitive" } }] },
    select: { id: true },
  });
  if (!user) throw new GatehouseError("NOT_FOUND", `no user with id or email ${idOrEmail}`, { field: "userId" });
  return user;
}
