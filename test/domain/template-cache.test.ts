// The template in memory (src/domain/template-cache.ts): when it reads the database, and what it
// keeps. Through GraphQL, test/graphql/template-cache.test.ts holds what a reader sees.
import { describe, expect, it } from "vitest";
import type { FixedStatement } from "../../src/db/index.js";
import { TemplateCache } from "../../src/domain/template-cache.js";

/** A database holding `roles` (each granting `<name>:read`), counting the template's readings. */
function fakeDatabase(roles: string[]) {
  const database = {
    roles,
    readings: 0,
    /** Runs while a reading waits for its rows: a write landing mid-read. */
    duringRead: undefined as (() => void) | undefined,
    async query<Row>({ name }: FixedStatement): Promise<Row[]> {
      if (name === "gatehouse_template_roles") database.readings += 1;
      const current = [...database.roles];
      await Promise.resolve();
      database.duringRead?.();
      const createdAt = new Date(0);
      if (name === "gatehouse_template_roles") {
        return current.map((id) => ({ id, name: id, description: null, type: "USER", createdAt, updatedAt: createdAt })) as Row[];
      }
      return current.map((id) => ({ roleId: id, id: `${id}-scope`, name: `${id}:read`, description: null, createdAt })) as Row[];
    },
  };
  return database;
}

describe("the template cache", () => {
  it("reads the template once, then answers from memory until a write", async () => {
    const db = fakeDatabase(["b", "a"]);
    const cache = new TemplateCache(db);
    const snapshot = await cache.current();
    expect(snapshot.rolesOf(["a", "b"]).map((role) => role.name)).toEqual(["b", "a"]); // the database's order
    expect(snapshot.permissionsOf(["a", "b"])).toEqual(["a:read", "b:read"]);
    expect(cache.current()).toBe(snapshot);
    cache.observeStatement('SELECT 1 FROM "organization_roles"');
    cache.observeStatement('INSERT INTO "public"."audit_events" VALUES (1)');
    expect(cache.current()).toBe(snapshot);
    cache.observeStatement('UPDATE "public"."organization_roles" SET name = $1');
    expect(cache.current()).toBeInstanceOf(Promise);
    expect(db.readings).toBe(2);
  });

  it("does not keep a reading a write overtook", async () => {
    const db = fakeDatabase(["a"]);
    const cache = new TemplateCache(db);
    db.duringRead = () => cache.observeStatement("COMMIT");
    await cache.current();
    db.duringRead = undefined;
    await cache.current();
    expect(db.readings).toBe(2);
    expect(cache.current()).not.toBeInstanceOf(Promise);
  });

  it("reads again for a role it does not know, once for a whole page of them", async () => {
    const db = fakeDatabase(["a"]);
    const cache = new TemplateCache(db);
    await cache.current();
    db.roles.push("new");
    const page = await Promise.all(Array.from({ length: 100 }, () => cache.knowing(["a", "new"])));
    expect(page.every((snapshot) => snapshot.rolesOf(["a", "new"]).length === 2)).toBe(true);
    expect(db.readings).toBe(2);
    // A role gone since (deleted after the page was read): one more reading, not one per member;
    // and that reading answers for every id until the next change.
    cache.observeStatement("COMMIT");
    await cache.current();
    expect(db.readings).toBe(3);
    const gone = await Promise.all(Array.from({ length: 100 }, () => cache.knowing(["a", "gone"])));
    expect(gone.every((snapshot) => snapshot.rolesOf(["a", "gone"]).length === 1)).toBe(true);
    expect(db.readings).toBe(4);
    await cache.knowing(["gone"]);
    expect(db.readings).toBe(4);
  });
});
