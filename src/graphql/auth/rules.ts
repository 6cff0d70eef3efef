// Authorization rules: one declaration beside each field (or entity type) that Gatehouse both
// enforces (through Pothos scope-auth) and prints into the SDL as directives — federation's
// @authenticated and @requiresScopes, plus @organizationScoped for the scopes that count only in
// the token's own organization — so a router enforcing the directives and the subgraph agree.
// See docs/authorization.md.
import type { ManagementScope } from "../../domain/management.js";
import type { Subject } from "../../domain/tokens/grants.js";

export interface OrganizationPermissionCheck {
  organizationId: string;
  permission: string;
}

/** The scopes Gatehouse's scope-auth knows. */
export interface GatehouseAuthScopes {
  public: boolean;
  authenticated: boolean;
  management: ManagementScope;
  organizationPermission: OrganizationPermissionCheck;
  /** An organization token holding this permission, whichever organization it is for. */
  organizationPermissionAnywhere: string;
  /** The caller may see this user: management, the user themself, or a member manager of an organization they are in. */
  userVisible: string;
  /** The caller may see this application: management, itself, or its organization's readers. */
  applicationVisible: string;
  /** The caller may see the memberships of this user (application): management readers, or itself. */
  membershipsVisible: Subject;
}

export type ScopeMap = Partial<GatehouseAuthScopes> & { $any?: ScopeMap; $all?: ScopeMap };

/** What a rule requires, statically: this is what gets printed. */
export type RuleRequirement =
  | { kind: "public" }
  | { kind: "authenticated" }
  /** Structural types only (connections, edges, page info): their data the parent field authorized. */
  | { kind: "parent" }
  /**
   * Any one of these scopes. `organization` lists organization permissions: with `bound`, they
   * count only in a token for the organization the field belongs to; without, in any organization
   * token (the template, which all organizations share).
   */
  | { kind: "scopes"; management: ManagementScope[]; organization: string[]; bound: boolean };

export interface AuthRule<Parent = unknown, Args = unknown> {
  readonly requirement: RuleRequirement;
  /**
   * The rule in words, from the same declaration: every field's description ends with it (so the
   * docs explorer, codegen and schema.graphql show it) and a FORBIDDEN error names it.
   */
  readonly description: string;
  /** The scope-auth check for one parent object and its arguments. */
  readonly scopes: (parent: Parent, args: Args) => ScopeMap;
  /**
   * What a type's check depends on in the object, when many objects share it (the organization a
   * membership belongs to): objects with the same key get the same answer, so a request evaluates
   * the rule once per key (src/graphql/auth/plugin.ts). Rules whose scope map is one constant need
   * none (scope-auth keeps a map's outcome by identity for the request), nor rules keyed by each
   * object's own id.
   */
  readonly objectKey?: (parent: Parent) => string;
}

function constant(requirement: RuleRequirement, scopes: ScopeMap): AuthRule<unknown, unknown> {
  return { requirement, description: describeRequirement(requirement), scopes: () => scopes };
}

/** `a`, `a or b`, `a, b or c`, each in backticks. */
function either(names: string[]): string {
  const quoted = names.map((name) => `\`${name}\``);
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

/** A management token with any of `scopes`; `all` always counts. */
function managementWords(scopes: string[]): string {
  const named = scopes.filter((scope) => scope !== "all");
  return named.length > 0 ? `a management token with ${either(named)} (or \`all\`)` : "a management token with `all`";
}

/** What a requirement asks for, in words. */
export function describeRequirement(requirement: RuleRequirement): string {
  switch (requirement.kind) {
    case "public":
      return "anyone, without a token";
    case "authenticated":
      return "any valid token";
    case "parent":
      return "whoever may read the field that returned this object";
    case "scopes": {
      const words = [managementWords(requirement.management)];
      if (requirement.organization.length > 0) {
        const permissions = `${requirement.organization.length > 1 ? "one of the permissions" : "the permission"} ${either(requirement.organization)}`;
        words.push(
          requirement.bound
            ? `an organization token for this organization with ${permissions}`
            : `an organization token (for any organization) with ${permissions}`,
        );
      }
      return words.join(", or ");
    }
  }
}

/** Anyone, without a token. Only for data that is public by nature. */
export const isPublic = constant({ kind: "public" }, { public: true });

/** Any caller with a valid token. */
export const isAuthenticated = constant({ kind: "authenticated" }, { authenticated: true });

/** Structural types only: fields whose data the field returning the type already authorized. */
export const guardedByParent = constant({ kind: "parent" }, {});

/**
 * Users and applications are visible beyond management: to themselves, and to organization tokens
 * that read the members (or applications) of an organization they belong to. A router can check
 * only that a token is present; Gatehouse checks the rest.
 */
export const canSeeUser = rule<{ id: string }>(
  { kind: "authenticated" },
  `${managementWords(["users:read", "organizations:read"])}; the user themself; or an organization token with the ` +
    "permission `read:members` for an organization the user belongs to",
  (user) => ({ userVisible: user.id }),
);
export const canSeeApplication = rule<{ id: string }>(
  { kind: "authenticated" },
  `${managementWords(["applications:read", "organizations:read"])}; the application itself; or an organization token ` +
    "with the permission `read:applications` for an organization the application belongs to",
  (application) => ({ applicationVisible: application.id }),
);

/**
 * The organizations a user (application) belongs to, with its roles there: management readers of
 * users (applications) or organizations, and the user (application) itself, whatever its token.
 * `id` picks the member's id out of the parent.
 */
export function canSeeMembershipsOf<Parent>(type: Subject["type"], id: (parent: Parent) => string): AuthRule<Parent, unknown> {
  const description =
    type === "user"
      ? `${managementWords(["users:read", "organizations:read"])}, or the user themself`
      : `${managementWords(["applications:read", "organizations:read"])}, or the application itself`;
  return rule<Parent>({ kind: "authenticated" }, description, (parent) => ({ membershipsVisible: { type, id: id(parent) } }));
}

function rule<Parent>(requirement: RuleRequirement, description: string, scopes: (parent: Parent) => ScopeMap): AuthRule<Parent, unknown> {
  return { requirement, description, scopes: (parent) => scopes(parent) };
}

/** A management token holding `scope` (or `all`). */
export function manage(scope: ManagementScope): AuthRule<unknown, unknown> {
  return constant({ kind: "scopes", management: [scope], organization: [], bound: false }, { management: scope });
}

/**
 * Any of the management scopes, or an organization token (for any organization) holding any of the
 * permissions: for the organization template, which every organization shares.
 */
export function manageOrAnyOrganization(manage: ManagementScope[], permissions: string[]): AuthRule<unknown, unknown> {
  return constant(
    { kind: "scopes", management: manage, organization: permissions, bound: false },
    anyOf([
      ...manage.map((scope): ScopeMap => ({ management: scope })),
      ...permissions.map((permission): ScopeMap => ({ organizationPermissionAnywhere: permission })),
    ]),
  );
}

/** Any one of several single-scope maps. A scope map holds each scope once, so repeats nest. */
function anyOf(maps: ScopeMap[]): ScopeMap {
  return maps.reduceRight<ScopeMap | undefined>((rest, map) => ({ $any: rest ? { ...map, ...rest } : map }), undefined) ?? {};
}

/**
 * The organization permission `permission` in the organization the field belongs to (from an
 * organization token for that very organization), or the management scope `manage`.
 */
export function inOrganization<Parent, Args>(options: {
  permission: string;
  manage: ManagementScope;
  organizationId: (parent: Parent, args: Args) => string;
}): AuthRule<Parent, Args> {
  const requirement: RuleRequirement = { kind: "scopes", management: [options.manage], organization: [options.permission], bound: true };
  return {
    requirement,
    description: describeRequirement(requirement),
    scopes: (parent, args) => ({
      $any: {
        management: options.manage,
        organizationPermission: { organizationId: options.organizationId(parent, args), permission: options.permission },
      },
    }),
    // A type's rule is checked without arguments (the object's own, not a field's).
    objectKey: (parent) => options.organizationId(parent, {} as Args),
  };
}
