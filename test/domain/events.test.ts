// The event catalogue: docs/events.md is generated from it, and its rules are what the feed applies.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { EVENTS_DOC, renderEventsDoc } from "../../scripts/events-doc.js";
import { eventTypes, events, feedTypesForManagement, feedTypesForOrganization, fieldChanges, isFeedEvent } from "../../src/domain/events.js";

describe("the event catalogue", () => {
  it("is what docs/events.md says (run `npm run docs:events` after changing it)", async () => {
    expect(await readFile(EVENTS_DOC, "utf8")).toBe(renderEventsDoc());
  });

  it("keeps token grants and denials out of the feed", () => {
    expect(isFeedEvent("token.issued")).toBe(false);
    expect(isFeedEvent("token.denied")).toBe(false);
    expect(isFeedEvent("organization.user_roles_assigned")).toBe(true);
    expect(isFeedEvent("no.such_event")).toBe(false);
    expect(feedTypesForManagement(new Set(["all"]))).toEqual(eventTypes.filter((type) => !type.startsWith("token.")));
  });

  it("shows organization tokens their organization's events by the permission that reads them", () => {
    const viewer = feedTypesForOrganization(new Set(["read:organization"]), "organization");
    expect(viewer).toEqual(["organization.created", "organization.updated", "organization.deleted"]);
    const manager = feedTypesForOrganization(new Set(["read:members"]), "organization");
    expect(manager).toContain("organization.user_roles_assigned");
    expect(manager).not.toContain("organization.application_roles_assigned");
    expect(manager.some((type) => type.startsWith("organization.jit_"))).toBe(false);
    expect(feedTypesForOrganization(new Set(["read:organization"]), "template")).toEqual([]);
    expect(feedTypesForOrganization(new Set(["invite:members"]), "template")).toContain("organization_role.deleted");
  });

  it("gives every event a description, a management scope and a data shape that accepts an empty delta's fields", () => {
    for (const type of eventTypes) {
      expect(events[type].description, type).not.toBe("");
      expect(events[type].management.length, type).toBeGreaterThan(0);
    }
  });

  it("records before and after of changed scalar fields, and names objects in `fields` only", () => {
    const before = { name: "Acme", description: null, customData: { plan: "free" } };
    const after = { name: "Acme Corp", description: null, customData: { plan: "pro" } };
    expect(fieldChanges(before, after, { name: "Acme Corp", description: null, customData: { plan: "pro" }, type: undefined })).toEqual({
      fields: ["name", "description", "customData"],
      changes: { name: { before: "Acme", after: "Acme Corp" } },
    });
  });
});
