// One API resource: its settings and its permissions (search, pages, create, edit, delete).
// Gatehouse's own management API is shown read-only.
import { Alert, Button, Card, Group, Modal, NumberInput, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { ErrorAlert, Pager, SearchInput, usePages, useSearch } from "../components/common.tsx";
import { AnchorLink } from "../components/links.tsx";
import { graphql } from "../graphql.ts";

const route = getRouteApi("/api-resources/$resourceId");

const ApiResourceQuery = graphql(`
  query ApiResource($id: ID!, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
    apiResource(id: $id) {
      id name indicator accessTokenTtl isBuiltIn
      scopes(search: $search, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { id name description } }
      }
    }
  }
`);

const UpdateApiResource = graphql(`mutation UpdateApiResource($input: UpdateApiResourceInput!) { updateApiResource(input: $input) { id name indicator accessTokenTtl } }`);
const DeleteApiResource = graphql(`mutation DeleteApiResource($id: ID!) { deleteApiResource(input: { id: $id }) }`);
const CreateResourceScope = graphql(`mutation CreateResourceScope($input: CreateResourceScopeInput!) { createResourceScope(input: $input) { id } }`);
const UpdateResourceScope = graphql(`mutation UpdateResourceScope($input: UpdateResourceScopeInput!) { updateResourceScope(input: $input) { id name description } }`);
const DeleteResourceScope = graphql(`mutation DeleteResourceScope($id: ID!) { deleteResourceScope(input: { id: $id }) }`);

type Scope = { id: string; name: string; description: string | null };

export function ApiResourcePage() {
  const { resourceId } = route.useParams();
  const writable = useCan()("resources:write");
  const [search, settled, setSearch] = useSearch();
  const pages = usePages(settled);
  const [{ data, error }, refetch] = useQuery({ query: ApiResourceQuery, variables: { id: resourceId, search: settled || undefined, ...pages.variables } });
  const [editing, setEditing] = useState<{ mode: "create" } | { mode: "edit"; scope: Scope } | null>(null);
  const [deletion, removeScope] = useMutation(DeleteResourceScope);
  const resource = data?.apiResource;
  if (error && !resource) return <ErrorAlert error={error} />;
  if (data && !resource) return <ErrorAlert title="Not found" error="This API resource does not exist (any more)." />;
  if (!resource) return null;
  const editable = writable && !resource.isBuiltIn;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <Stack maw={960}>
      <AnchorLink to="/api-resources" size="sm">← API resources</AnchorLink>
      <Title order={1}>{resource.name}</Title>
      {resource.isBuiltIn && <Alert title="Gatehouse's own management API">It cannot be renamed or deleted, nor its permissions changed. Give its permissions to global roles to let users and applications manage Gatehouse.</Alert>}
      <ResourceSettings key={resource.id} resource={resource} editable={editable} />
      <Card withBorder>
        <Stack>
          <Group justify="space-between">
            <Title order={2} size="h4">Permissions</Title>
            {editable && <Button onClick={() => setEditing({ mode: "create" })}>Create permission</Button>}
          </Group>
          <SearchInput label="Search permissions" value={search} onChange={setSearch} />
          <ErrorAlert error={deletion.error} />
          <Table striped aria-label="Permissions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {resource.scopes.edges.map(({ node }) => (
                <Table.Tr key={node.id}>
                  <Table.Td><code>{node.name}</code></Table.Td>
                  <Table.Td>{node.description}</Table.Td>
                  <Table.Td>
                    {editable && (
                      <Group gap="xs" justify="flex-end">
                        <Button size="xs" variant="default" aria-label={`Edit ${node.name}`} onClick={() => setEditing({ mode: "edit", scope: node })}>Edit</Button>
                        <Button size="xs" variant="subtle" color="red" aria-label={`Delete ${node.name}`} onClick={() => void removeScope({ id: node.id }).then(reload)}>Delete</Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager pageInfo={resource.scopes.pageInfo} totalCount={resource.scopes.totalCount} pages={pages} noun="permissions" />
        </Stack>
      </Card>
      {editable && <DeleteResource resource={resource} />}
      {editing && <ScopeModal resourceId={resource.id} editing={editing} onClose={() => setEditing(null)} onDone={reload} />}
    </Stack>
  );
}

function ResourceSettings({ resource, editable }: { resource: { id: string; name: string; indicator: string; accessTokenTtl: number }; editable: boolean }) {
  const [name, setName] = useState(resource.name);
  const [indicator, setIndicator] = useState(resource.indicator);
  const [ttl, setTtl] = useState<number | string>(resource.accessTokenTtl);
  const [{ error, fetching }, save] = useMutation(UpdateApiResource);
  const submit = async () => {
    const result = await save({ input: { id: resource.id, name, indicator, accessTokenTtl: typeof ttl === "number" ? ttl : undefined } });
    if (result.data) notifications.show({ message: "API resource saved." });
  };
  return (
    <Card withBorder>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <Title order={2} size="h4">Settings</Title>
          <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} disabled={!editable} />
          <TextInput label="Indicator" required value={indicator} onChange={(event) => setIndicator(event.currentTarget.value)} disabled={!editable} />
          <NumberInput label="Token lifetime (seconds)" min={60} max={86400} value={ttl} onChange={setTtl} disabled={!editable} />
          <ErrorAlert error={error} />
          {editable && <Group justify="flex-end"><Button type="submit" loading={fetching}>Save</Button></Group>}
        </Stack>
      </form>
    </Card>
  );
}

function ScopeModal({ resourceId, editing, onClose, onDone }: { resourceId: string; editing: { mode: "create" } | { mode: "edit"; scope: Scope }; onClose: () => void; onDone: () => void }) {
  const existing = editing.mode === "edit" ? editing.scope : undefined;
  const [name, setName] = useState(existing?.name ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [creation, create] = useMutation(CreateResourceScope);
  const [update, save] = useMutation(UpdateResourceScope);
  const submit = async () => {
    const result = existing
      ? await save({ input: { id: existing.id, name, description: description || null } })
      : await create({ input: { resourceId, name, description: description || undefined } });
    if (!result.data) return;
    onClose();
    onDone();
  };
  return (
    <Modal opened onClose={onClose} title={existing ? `Edit permission ${existing.name}` : "Create API permission"}>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <TextInput label="Name" description="Such as read:invoices" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
          <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} />
          <ErrorAlert error={creation.error ?? update.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={creation.fetching || update.fetching}>{existing ? "Save" : "Create"}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteResource({ resource }: { resource: { id: string; name: string } }) {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [{ error, fetching }, remove] = useMutation(DeleteApiResource);
  return (
    <Card withBorder>
      <Stack align="flex-start">
        <Title order={2} size="h4">Delete API resource</Title>
        <Button color="red" onClick={() => setOpen(true)}>Delete API resource</Button>
      </Stack>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete ${resource.name}?`}>
        <Stack>
          <Text>Its permissions go with it, from every role that holds them.</Text>
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button color="red" loading={fetching} onClick={() => void remove({ id: resource.id }).then(async (result) => { if (result.data) { setOpen(false); await navigate({ to: "/api-resources" }); } })}>Delete</Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
