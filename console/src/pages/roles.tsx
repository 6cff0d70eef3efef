// Global roles: API permissions held everywhere, by users (type User) or applications
// (Machine-to-machine). A role with Gatehouse's management permissions opens this console.
import { Badge, Button, Group, Modal, SegmentedControl, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { ErrorAlert, Pager, SearchInput, usePages, useSearch } from "../components/common.tsx";
import { ResourceScopePicker } from "../components/permission-pickers.tsx";
import { graphql } from "../graphql.ts";
import { roleTypeLabel } from "./template.tsx";

const GlobalRolesQuery = graphql(`
  query GlobalRoles($search: String, $type: RoleType, $first: Int, $after: String, $last: Int, $before: String) {
    globalRoles(search: $search, type: $type, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name description type resourceScopes { id name resource { id name } } } }
    }
  }
`);

const CreateGlobalRole = graphql(`mutation CreateGlobalRole($input: CreateGlobalRoleInput!) { createGlobalRole(input: $input) { id } }`);
const UpdateGlobalRole = graphql(`mutation UpdateGlobalRole($input: UpdateGlobalRoleInput!) { updateGlobalRole(input: $input) { id } }`);
const SetGlobalRolePermissions = graphql(`mutation SetGlobalRolePermissions($input: GlobalRolePermissionsInput!) { setGlobalRolePermissions(input: $input) { id } }`);
const DeleteGlobalRole = graphql(`mutation DeleteGlobalRole($id: ID!) { deleteGlobalRole(input: { id: $id }) }`);

interface Role {
  id: string;
  name: string;
  description: string | null;
  type: "USER" | "MACHINE_TO_MACHINE";
  resourceScopes: { id: string; name: string; resource: { id: string; name: string } }[];
}

export function GlobalRolesPage() {
  const writable = useCan()("resources:write");
  const [search, settled, setSearch] = useSearch();
  const [type, setType] = useState("ALL");
  const pages = usePages(`${settled}|${type}`);
  const [{ data, error }, refetch] = useQuery({
    query: GlobalRolesQuery,
    variables: { search: settled || undefined, type: type === "ALL" ? undefined : (type as Role["type"]), ...pages.variables },
  });
  const [editing, setEditing] = useState<{ mode: "create" } | { mode: "edit"; role: Role } | null>(null);
  const [deletion, remove] = useMutation(DeleteGlobalRole);
  const connection = data?.globalRoles;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Global roles</Title>
        {writable && <Button onClick={() => setEditing({ mode: "create" })}>Create global role</Button>}
      </Group>
      <Text c="dimmed" maw={760}>API permissions a user or an application holds everywhere, outside any organization. Roles holding Gatehouse's management permissions let users into this console.</Text>
      <Group>
        <SearchInput label="Search global roles" value={search} onChange={setSearch} />
        <SegmentedControl aria-label="Role type" value={type} onChange={setType} data={[{ value: "ALL", label: "All" }, { value: "USER", label: "User" }, { value: "MACHINE_TO_MACHINE", label: "Machine-to-machine" }]} />
      </Group>
      <ErrorAlert error={error ?? deletion.error} />
      <Table striped aria-label="Global roles">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>API permissions</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connection?.edges.map(({ node }) => (
            <Table.Tr key={node.id}>
              <Table.Td>
                <Text fw={500}>{node.name}</Text>
                {node.description && <Text size="xs" c="dimmed">{node.description}</Text>}
              </Table.Td>
              <Table.Td><Badge variant="outline">{roleTypeLabel[node.type]}</Badge></Table.Td>
              <Table.Td><Text size="sm">{node.resourceScopes.map((scope) => `${scope.resource.name}: ${scope.name}`).join(", ")}</Text></Table.Td>
              <Table.Td>
                {writable && (
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="default" aria-label={`Edit ${node.name}`} onClick={() => setEditing({ mode: "edit", role: node })}>Edit</Button>
                    <Button size="xs" variant="subtle" color="red" aria-label={`Delete ${node.name}`} onClick={() => void remove({ id: node.id }).then(reload)}>Delete</Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} pages={pages} noun="global roles" />
      {editing && <GlobalRoleModal editing={editing} onClose={() => setEditing(null)} onDone={reload} />}
    </Stack>
  );
}

function GlobalRoleModal({ editing, onClose, onDone }: { editing: { mode: "create" } | { mode: "edit"; role: Role }; onClose: () => void; onDone: () => void }) {
  const existing = editing.mode === "edit" ? editing.role : undefined;
  const [name, setName] = useState(existing?.name ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [type, setType] = useState<Role["type"]>(existing?.type ?? "USER");
  const [resourceScopeIds, setResourceScopeIds] = useState(existing?.resourceScopes.map((scope) => scope.id) ?? []);
  const [creation, create] = useMutation(CreateGlobalRole);
  const [update, save] = useMutation(UpdateGlobalRole);
  const [permissions, savePermissions] = useMutation(SetGlobalRolePermissions);
  const submit = async () => {
    if (existing) {
      const updated = await save({ input: { id: existing.id, name, description: description || null, type } });
      if (!updated.data) return;
      const result = await savePermissions({ input: { roleId: existing.id, resourceScopeIds } });
      if (!result.data) return;
    } else {
      const result = await create({ input: { name, description: description || undefined, type, resourceScopeIds } });
      if (!result.data) return;
    }
    onClose();
    onDone();
  };
  return (
    <Modal opened onClose={onClose} title={existing ? `Edit global role ${existing.name}` : "Create global role"} size="lg">
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
          <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="global-role-type-label">Type</Text>
            <SegmentedControl aria-labelledby="global-role-type-label" value={type} onChange={(value) => setType(value as Role["type"])} data={[{ value: "USER", label: "User" }, { value: "MACHINE_TO_MACHINE", label: "Machine-to-machine" }]} />
          </Stack>
          <ResourceScopePicker label="API permissions" value={resourceScopeIds} onChange={setResourceScopeIds} />
          <ErrorAlert error={creation.error ?? update.error ?? permissions.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={creation.fetching || update.fetching || permissions.fetching}>{existing ? "Save" : "Create"}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
