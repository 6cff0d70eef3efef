// The audit log: newest first, narrowed by exact organization, actor, action or target.
import { Alert, Button, Code, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { type CombinedError, useQuery } from "urql";
import { ErrorAlert, formatDate, usePages } from "../components/common.tsx";
import { codeInWords } from "../errors.ts";
import { ConnectionTable } from "../components/list-page.tsx";
import { graphql } from "../graphql.ts";

const AuditEventsQuery = graphql(`
  query AuditEvents($organizationId: ID, $actor: String, $action: String, $targetType: String, $targetId: ID, $first: Int, $after: String, $last: Int, $before: String) {
    auditEvents(organizationId: $organizationId, actor: $actor, action: $action, targetType: $targetType, targetId: $targetId, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id at actor action targetType targetId organizationId data } }
    }
  }
`);

const filterFields = [
  { key: "action", label: "Action", placeholder: "organization.created" },
  { key: "actor", label: "Actor", placeholder: "user:… or application:…" },
  { key: "organizationId", label: "Organization id", placeholder: "" },
  { key: "targetType", label: "Target type", placeholder: "organization" },
  { key: "targetId", label: "Target id", placeholder: "" },
] as const;

type Filters = Record<(typeof filterFields)[number]["key"], string>;
const empty: Filters = { action: "", actor: "", organizationId: "", targetType: "", targetId: "" };

export function AuditLogPage() {
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  const pages = usePages(JSON.stringify(filters));
  const variables = Object.fromEntries(Object.entries(filters).filter(([, value]) => value.trim()).map(([key, value]) => [key, value.trim()]));
  const [{ data, error }] = useQuery({ query: AuditEventsQuery, variables: { ...variables, ...pages.variables }, requestPolicy: "network-only" });
  const expired = cursorExpired(error);
  return (
    <Stack>
      <Title order={1}>Audit log</Title>
      <form onSubmit={(event) => { event.preventDefault(); setFilters(draft); }}>
        <Group align="flex-end">
          {filterFields.map((field) => (
            <TextInput key={field.key} label={field.label} placeholder={field.placeholder} value={draft[field.key]} onChange={(event) => { const value = event.currentTarget.value; setDraft((current) => ({ ...current, [field.key]: value })); }} />
          ))}
          <Button type="submit">Filter</Button>
          <Button variant="default" onClick={() => { setDraft(empty); setFilters(empty); }}>Clear</Button>
        </Group>
      </form>
      {expired ? (
        <Alert color="yellow" title="Those events are gone" role="alert">
          <Stack gap="xs">
            <Text size="sm">
              {codeInWords("CURSOR_EXPIRED")}.
            </Text>
            <Group>
              <Button size="xs" onClick={() => pages.resume(expired.currentCursor, expired.newer)}>
                {expired.currentCursor === null ? "Back to the newest events" : "Read on from the events still kept"}
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : (
        <ErrorAlert error={error} />
      )}
      <ConnectionTable
        label="Audit events"
        noun="events"
        connection={data?.auditEvents}
        pages={pages}
        searching={Object.keys(variables).length > 0}
        rowKey={(node) => node.id}
        columns={[
          { header: "When", cell: (node) => <Text size="sm">{formatDate(node.at)}</Text> },
          { header: "Actor", cell: (node) => <Code>{node.actor}</Code> },
          { header: "Action", cell: (node) => <Code>{node.action}</Code> },
          { header: "Target", cell: (node) => <Text size="sm">{node.targetType} {node.targetId && <Code>{node.targetId}</Code>}</Text> },
          { header: "Details", cell: (node) => <Code block fz="xs">{JSON.stringify(node.data)}</Code> },
        ]}
      />
    </Stack>
  );
}

/** CURSOR_EXPIRED: the page's cursor named an event audit retention deleted; where the server says to read on. */
function cursorExpired(error: CombinedError | undefined): { currentCursor: string | null; newer: boolean } | undefined {
  const refusal = error?.graphQLErrors.find((graphQLError) => graphQLError.extensions?.code === "CURSOR_EXPIRED");
  if (!refusal) return undefined;
  const details = refusal.extensions.details as { currentCursor?: unknown } | undefined;
  return { currentCursor: typeof details?.currentCursor === "string" ? details.currentCursor : null, newer: refusal.extensions.field === "before" };
}
