// docs/events.md, generated from the event catalogue (src/domain/events.ts): `npm run docs:events`
// writes it; test/domain/events.test.ts fails when the file and the catalogue differ.
import { writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { type EventAudience, type EventDefinition, eventTypes, events } from "../src/domain/events.js";

export const EVENTS_DOC = new URL("../docs/events.md", import.meta.url);

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
};

/** A JSON schema as a TypeScript-like type: `{ memberId: string, added: { id: string, name: string }[] }`. */
function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (Array.isArray(schema.type)) return schema.type.map((type) => typeOf({ ...schema, type })).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items ?? {})}[]`;
  if (schema.type === "object") {
    if (schema.properties) {
      const fields = Object.entries(schema.properties).map(
        ([name, field]) => `${name}${schema.required?.includes(name) ? "" : "?"}: ${typeOf(field)}`,
      );
      return fields.length === 0 ? "{}" : `{ ${fields.join(", ")} }`;
    }
    if (typeof schema.additionalProperties === "object") return `{ [field]: ${typeOf(schema.additionalProperties)} }`;
    return "{}";
  }
  return schema.type ?? "unknown";
}

const sections: [EventAudience, string, string][] = [
  ["organization", "Organization events", "In the organization's feed (`organizationChanged`, `changes(organizationId:)`, webhooks); each has an `organizationId`."],
  ["template", "Template events", "In the template's feed (`templateChanged`, `changes`, webhooks): organization roles and permissions, which every organization shares."],
  ["management", "Management events", "In the feed for management tokens (`changes`, webhooks): users, applications, API resources, global roles, keys."],
  ["audit", "Audit-only events", "In the audit log (`auditEvents`) only: one per token request, too many to stream."],
];

function whoSees(definition: EventDefinition): string {
  const management = definition.management.map((scope) => `\`${scope}\``).join(" or ");
  const organization = definition.organization.map((permission) => `\`${permission}\``).join(" or ");
  return organization ? `${management}; organization tokens: ${organization}` : `${management}; no organization token`;
}

export function renderEventsDoc(): string {
  const lines = [
    "# Events",
    "",
    "<!-- Generated from src/domain/events.ts by `npm run docs:events`; test/domain/events.test.ts checks it. -->",
    "",
    "Every change Gatehouse makes is an event of this catalogue, recorded in the audit log in the change's own",
    "transaction. The audit log (`auditEvents`), subscriptions (`organizationChanged`, `templateChanged`) and the",
    "change feed (`changes`) all derive from it: its type, the kind of object it targets (`targetType`, `targetId`),",
    "the shape of its `data`, and who may see it.",
    "",
    "- **Order**: every event but the audit-only ones has a position in the change feed, in commit order; its",
    "  `cursor` resumes `changes(after:)` and subscriptions (`after:`) with nothing skipped or repeated",
    "  ([docs/subscriptions.md](subscriptions.md)).",
    "- **Who sees it**: a management token with one of the scopes (`all` sees everything), or an organization token",
    "  of the event's organization (for template events: any organization) whose subject's roles grant one of the",
    "  permissions now. Whoever sees an event sees its `data`.",
    "- **Data** carries the delta: ids and names of the roles added and removed, the member's id, the before and",
    "  after of each changed scalar field (objects such as `customData` and branding are named in `fields` only).",
    "  Never secrets. Its shape is versioned per event type (`version`, also `dataVersion` in the audit log): a",
    "  field may be added within a version; removing or changing one makes a new version. Events recorded before",
    "  the catalogue have version 0 and the shape they had then.",
    "- A change that changes nothing (assigning a role the member holds already) records no role-change event.",
    "",
  ];
  for (const [audience, title, intro] of sections) {
    lines.push(`## ${title}`, "", intro, "", "| Event | Target | Who sees it | Data (version) | What happened |", "|---|---|---|---|---|");
    for (const type of eventTypes.filter((type) => events[type].audience === audience)) {
      const definition: EventDefinition = events[type];
      const data = typeOf(z.toJSONSchema(definition.data) as JsonSchema).replaceAll("|", "\\|");
      lines.push(
        `| \`${type}\` | ${definition.targetType ? `\`${definition.targetType}\`` : "—"} | ${whoSees(definition)} | \`${data}\` (${definition.version}) | ${definition.description} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await writeFile(EVENTS_DOC, renderEventsDoc());
  console.log(`wrote ${EVENTS_DOC.pathname}`);
}
