// Authorization rules: one declaration beside each field (or entity type) that Gatehouse both
// enforces (through Pothos scope-auth) and prints into the SDL as directives — federation's
// @authenticated and @requiresScopes, plus @organizationScoped for the scopes that count only in
// the token's own organization — so a router enforcing the directives and the subgraph agree.
// See docs/authorization.md.
import type { ManagementScope } from "../../domain/management.js";

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
}

export type ScopeMap = Partial<GatehouseAuthScopes> & { $any?: ScopeMap; $all?: ScopeMap };

/** What a rule requires, statically: this is what gets printed. */
export type RuleRequirement =
  | { kind: "public" }
  | { kind: "authenticated" }
  /** Structural types only (connections, edges, page info): their data the parent field authorized. */
  | { kind: "parent" }
  /** Any one of these scopes; `organization` scopes count only in the token's own organization. */
  | { kind: "scopes"; management: ManagementScope[]; organization: string[] };

export interface AuthRule<Parent = unknown, Args = unknown> {
  readonly requirement: RuleRequirement;
  /** The scope-auth check for one parent object and its arguments. */
  readonly scopes: (parent: Parent, args: Args) => ScopeMap;
}

function constant(requirement: RuleRequirement, scopes: ScopeMap): AuthRule<unknown, unknown> {
  return { requirement, scopes: () => scopes };
}

/** Anyone, without a token. Only for data that is public by nature. */
export const isPublic = constant({ kind: "public" }, { public: true });

/** Any caller with a valid token. */
export const isAuthenticated = constant({ kind: "authenticated" }, { authenticated: true });

/** Structural types only: fields whose data the field returning the type already authorized. */
export const guardedByParent = constant({ kind: "parent" }, {});

/** A management token holding `scope` (or `all`). */
export function manage(scope: ManagementScope): AuthRule<unknown, unknown> {
  return constant({ kind: "scopes", management: [scope], organization: [] }, { management: scope });
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
  return {
    requirement: { kind: "scopes", management: [options.manage], organization: [options.permission] },
    scopes: (parent, args) => ({
      $any: {
        management: options.manage,
        organizationPermission: { organizationId: options.organizationId(parent, args), permission: options.permission },
      },
    }),
  };
}
