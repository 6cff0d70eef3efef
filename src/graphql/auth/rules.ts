// Authorization rules: one declaration beside each field (or entity type) that Gatehouse both
// enforces (through Pothos scope-auth) and prints into the SDL as federation directives, so a
// router enforcing the directives and the subgraph agree. See docs/authorization.md.

/** What a rule requires, statically: this is what gets printed as directives. */
export type RuleRequirement =
  | { kind: "public" }
  | { kind: "authenticated" }
  /** Only for structural types (connections, edges, page info) whose data the parent field authorized. */
  | { kind: "parent" };

export interface AuthRule<Parent = unknown, Args = unknown> {
  readonly requirement: RuleRequirement;
  /** Phantom members that carry the parent and argument types into organization bindings. */
  readonly __parent?: (parent: Parent) => void;
  readonly __args?: (args: Args) => void;
}

function rule(requirement: RuleRequirement): AuthRule<unknown, unknown> {
  return { requirement };
}

/** Anyone, without a token. Use only for data that is public by nature. */
export const isPublic = rule({ kind: "public" });

/** Any caller with a valid token. */
export const isAuthenticated = rule({ kind: "authenticated" });

/** Structural types only: fields whose data the field returning the type already authorized. */
export const guardedByParent = rule({ kind: "parent" });
