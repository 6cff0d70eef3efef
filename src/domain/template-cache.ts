// The organization template (organization roles and the organization permissions each grants), in
// memory: every organization shares it and it is small, while a member page shows it for every
// member. Kept fresh as the token facts are (src/domain/tokens/facts.ts), by the same signals:
//
// - in this process at once: every statement this process sends is reported as it completes, and
//   any write, COMMIT or ROLLBACK drops the snapshot, so a role renamed or a permission taken away
//   is in every read that starts after the change was acknowledged;
// - across replicas: the template's tables NOTIFY `gatehouse_token_facts` after each committing
//   statement, and each replica drops its snapshot when told (and when its listening connection
//   comes back), so another replica may show the old template for the window the README states.
//
// A snapshot read while a write was in flight is never kept. A role id the snapshot does not know
// (a role created on another replica and assigned before its notification arrived) makes it read
// the template again; an id still unknown then belongs to a role deleted since, and that reading
// answers until the next change.
import type { Database, FixedStatement } from "../db/index.js";
import type { OrganizationRole, OrganizationScope, RoleType } from "../generated/prisma/client.js";
import { changesNoTokenFacts } from "./tokens/facts.js";

const ROLES: FixedStatement = {
  name: "gatehouse_template_roles",
  sql: `SELECT id, name, description, type::text AS type, created_at AS "createdAt", updated_at AS "updatedAt"
        FROM organization_roles ORDER BY name`,
};
const ROLE_SCOPES: FixedStatement = {
  name: "gatehouse_template_role_scopes",
  sql: `SELECT link.role_id AS "roleId", scope.id, scope.name, scope.description, scope.created_at AS "createdAt"
        FROM organization_role_scopes link JOIN organization_scopes scope ON scope.id = link.scope_id
        ORDER BY scope.name`,
};

type ScopeRow = OrganizationScope & { roleId: string };

/** One reading of the template. Lists it returns are shared: callers must not change them. */
export class TemplateSnapshot {
  private readonly roles = new Map<string, OrganizationRole>();
  /** A role's place in the order by name (the database's collation, as every role list has it). */
  private readonly rank = new Map<string, number>();
  private readonly scopes = new Map<string, OrganizationScope[]>();
  /** Roles and permissions per set of role ids: a page's members mostly share a few sets. */
  private readonly rolesBySet = new Map<string, OrganizationRole[]>();
  private readonly permissionsBySet = new Map<string, string[]>();

  constructor(roles: (Omit<OrganizationRole, "type"> & { type: string })[], scopes: ScopeRow[]) {
    for (const [index, role] of roles.entries()) {
      this.roles.set(role.id, { ...role, type: role.type as RoleType });
      this.rank.set(role.id, index);
    }
    for (const { roleId, ...scope } of scopes) {
      const list = this.scopes.get(roleId);
      if (list) list.push(scope);
      else this.scopes.set(roleId, [scope]);
    }
  }

  /** Whether it holds this role (each of these roles). */
  knows(roleIds: string | readonly string[]): boolean {
    return typeof roleIds === "string" ? this.roles.has(roleIds) : roleIds.every((id) => this.roles.has(id));
  }

  /** The organization permissions a role grants, by name. */
  scopesOf(roleId: string): OrganizationScope[] {
    return this.scopes.get(roleId) ?? [];
  }

  /** The roles of these ids that exist, by name. */
  rolesOf(roleIds: readonly string[]): OrganizationRole[] {
    const key = roleIds.join(" ");
    let roles = this.rolesBySet.get(key);
    if (!roles) {
      roles = roleIds.flatMap((id) => this.roles.get(id) ?? []).sort((a, b) => this.rank.get(a.id)! - this.rank.get(b.id)!);
      this.rolesBySet.set(key, roles);
    }
    return roles;
  }

  /** The organization permissions these roles grant together: names, sorted, without repeats. */
  permissionsOf(roleIds: readonly string[]): string[] {
    const key = roleIds.join(" ");
    let permissions = this.permissionsBySet.get(key);
    if (!permissions) {
      permissions = [...new Set(roleIds.flatMap((id) => this.scopesOf(id).map((scope) => scope.name)))].sort();
      this.permissionsBySet.set(key, permissions);
    }
    return permissions;
  }
}

export class TemplateCache {
  private snapshot: TemplateSnapshot | undefined;
  private reading: Promise<TemplateSnapshot> | undefined;
  private generation = 0;

  constructor(private readonly db: Pick<Database, "query">) {}

  /** Drops the snapshot: the template may have changed. */
  invalidate(): void {
    this.generation += 1;
    this.snapshot = undefined;
    this.reading = undefined;
  }

  /** Called with every SQL statement this process sends, as it completes. */
  observeStatement(sql: string): void {
    if (!changesNoTokenFacts(sql)) this.invalidate();
  }

  /** The template: at once when it is in memory (the usual case), else once read. */
  current(): TemplateSnapshot | Promise<TemplateSnapshot> {
    return this.snapshot ?? (this.reading ??= this.read());
  }

  /**
   * A snapshot that knows every one of `roleIds` that exists: the current one, or a new reading
   * when it lacks one. A reading made for a lacking id answers for every id until the next change
   * (what it lacks was deleted since), so a page holding a deleted role's id reads the template
   * once, not once per member.
   */
  knowing(roleIds: string | readonly string[]): TemplateSnapshot | Promise<TemplateSnapshot> {
    const settle = (snapshot: TemplateSnapshot) => (snapshot.knows(roleIds) || snapshot === this.missReading?.snapshot ? snapshot : this.reread());
    const current = this.current();
    return current instanceof Promise ? current.then(settle) : settle(current);
  }

  /** The reading made because a role id was unknown, while it is in flight and once it is done. */
  private missReading: { promise: Promise<TemplateSnapshot>; snapshot?: TemplateSnapshot } | undefined;

  private reread(): Promise<TemplateSnapshot> {
    if (this.missReading && this.reading === this.missReading.promise) return this.missReading.promise;
    this.invalidate();
    const reading: { promise: Promise<TemplateSnapshot>; snapshot?: TemplateSnapshot } = {
      promise: this.read().then((snapshot) => (reading.snapshot = snapshot)),
    };
    this.missReading = reading;
    return (this.reading = reading.promise);
  }

  private async read(): Promise<TemplateSnapshot> {
    const generation = this.generation;
    try {
      const [roles, scopes] = await Promise.all([
        this.db.query<Omit<OrganizationRole, "type"> & { type: string }>(ROLES, []),
        this.db.query<ScopeRow>(ROLE_SCOPES, []),
      ]);
      const snapshot = new TemplateSnapshot(roles, scopes);
      if (generation === this.generation) this.snapshot = snapshot;
      return snapshot;
    } finally {
      // A failed reading is not kept either: the next caller reads again.
      if (generation === this.generation) this.reading = undefined;
    }
  }
}
