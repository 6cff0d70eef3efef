// What a template deletion does to each organization: deleting an organization role takes it from
// every member holding it; deleting an organization or API permission (or an API resource with its
// permissions) takes it from every role that had it, so from every member holding such a role.
// Each affected organization's feed says so, with one event per organization, written set-based:
// the organizations are gathered by one INSERT … SELECT over the assignments into a temporary
// table before the delete (whose cascade removes the assignments), and the events by one
// INSERT … SELECT from it after — a role held in 100,000 organizations is a few statements, not a
// loop. The feed lock is taken only after the delete, as the transaction's last step (like
// `change()`'s own events): taken before, it would wait on row locks that a transaction waiting
// for the feed lock holds.
import { lockFeed } from "./audit.js";
import type { Transaction } from "./context.js";
import { events } from "./events.js";

interface Named {
  id: string;
  name: string;
}

const ROLE_DELETED = "organization.held_role_deleted";
const PERMISSIONS_LOST = "organization.permissions_lost";

/**
 * Deletes with `remove`, then tells each organization where members held `role` that they lost it
 * (with how many users and applications held it there).
 */
export async function deleteHeldRole(tx: Transaction, actor: string, role: Named, remove: () => Promise<unknown>): Promise<void> {
  await tx.$executeRaw`CREATE TEMPORARY TABLE "gatehouse_role_holders" ("organization_id" TEXT, "users" INTEGER, "applications" INTEGER) ON COMMIT DROP`;
  await tx.$executeRaw`
    INSERT INTO "gatehouse_role_holders"
    SELECT held."organization_id", sum(held."users")::integer, sum(held."applications")::integer
    FROM (
      SELECT "organization_id", count(*) AS "users", 0 AS "applications" FROM "organization_user_roles" WHERE "role_id" = ${role.id} GROUP BY 1
      UNION ALL
      SELECT "organization_id", 0, count(*) FROM "organization_application_roles" WHERE "role_id" = ${role.id} GROUP BY 1
    ) AS held
    GROUP BY held."organization_id"`;
  await remove();
  await lockFeed(tx);
  await tx.$executeRaw`
    INSERT INTO "audit_events" ("actor", "action", "target_type", "target_id", "organization_id", "data_version", "data", "feed_position")
    SELECT ${actor}, ${ROLE_DELETED}, ${events[ROLE_DELETED].targetType}, ${role.id}, h."organization_id", ${events[ROLE_DELETED].version}::smallint,
      jsonb_build_object(
        'role', jsonb_build_object('id', ${role.id}::text, 'name', ${role.name}::text),
        'users', h."users",
        'applications', h."applications"
      ),
      nextval('"audit_events_feed_position_seq"')
    FROM "gatehouse_role_holders" AS h`;
}

/**
 * Deletes with `remove`, then tells each organization where members held a role that had one of
 * `permissions` that they lost them. The event names the permissions and the roles held there
 * that had them; `cause` is the template event (`organization_scope.deleted`,
 * `resource_scope.deleted`, `api_resource.deleted`).
 */
export async function deletePermissions(
  tx: Transaction,
  actor: string,
  cause: "organization_scope.deleted" | "resource_scope.deleted" | "api_resource.deleted",
  permissions: Named[],
  remove: () => Promise<unknown>,
): Promise<void> {
  if (permissions.length === 0) {
    await remove();
    return;
  }
  const kind = cause === "organization_scope.deleted" ? "organization" : "api";
  const ids = permissions.map((permission) => permission.id);
  const named = JSON.stringify(permissions.map(({ id, name }) => ({ id, name })));
  await tx.$executeRaw`CREATE TEMPORARY TABLE "gatehouse_permission_holders" ("organization_id" TEXT, "roles" JSONB) ON COMMIT DROP`;
  await tx.$executeRaw`
    INSERT INTO "gatehouse_permission_holders"
    SELECT held."organization_id", jsonb_agg(jsonb_build_object('id', r."id", 'name', r."name") ORDER BY r."name")
    FROM (
      SELECT "role_id" FROM "organization_role_scopes" WHERE ${kind} = 'organization' AND "scope_id" = ANY(${ids}::text[])
      UNION
      SELECT "role_id" FROM "organization_role_resource_scopes" WHERE ${kind} = 'api' AND "scope_id" = ANY(${ids}::text[])
    ) AS had
    JOIN "organization_roles" AS r ON r."id" = had."role_id"
    JOIN (
      SELECT "organization_id", "role_id" FROM "organization_user_roles"
      UNION
      SELECT "organization_id", "role_id" FROM "organization_application_roles"
    ) AS held ON held."role_id" = had."role_id"
    GROUP BY held."organization_id"`;
  await remove();
  await lockFeed(tx);
  await tx.$executeRaw`
    INSERT INTO "audit_events" ("actor", "action", "target_type", "target_id", "organization_id", "data_version", "data", "feed_position")
    SELECT ${actor}, ${PERMISSIONS_LOST}, ${events[PERMISSIONS_LOST].targetType}, h."organization_id", h."organization_id", ${events[PERMISSIONS_LOST].version}::smallint,
      jsonb_build_object('cause', ${cause}::text, 'permissions', ${named}::jsonb, 'roles', h."roles"),
      nextval('"audit_events_feed_position_seq"')
    FROM "gatehouse_permission_holders" AS h`;
}
