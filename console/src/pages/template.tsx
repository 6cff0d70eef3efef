// The organization template: organization permissions and organization roles (for users or for
// machine-to-machine applications), shared by every organization. Live: other admins' changes show.
import { Badge, Button, Group, Modal, SegmentedControl, Stack, Table, Tabs, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { ErrorAlert, Pager, SearchInput, usePages, useSearch } from "../components/common.tsx";
import { useRefetchOnChange } from "../components/live.ts";
import { OrganizationScopePicker, ResourceScopePicker } from "../components/permission-pickers.tsx";
import { graphql } from "../graphql.ts";

const TemplateChanged = graphql(`subscription TemplateChanged { templateChanged { id action } }`);

const OrganizationScopesQuery = graphql(`
  query TemplatePermissions($search: String, $first: Int, $after: String, $last: Int, $before: String) {
    organizationScopes(search: $search, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name description } }
    }
  }
`);

const OrganizationRolesQuery = graphql(`
  query TemplateRoles($search: String, $type: RoleType, $first: Int, $after: String, $last: Int, $before: String) {
    organizationRoles(search: $search, type: $type, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name description type organizationScopes { id name } resourceScopes { id name resource { id name } } } }
    }
  }
`);

const CreateScope = graphql(`mutation CreateOrganizationScope($input: CreateOrganizationScopeInput!) { createOrganizationScope(input: $input) { id } }`);
const UpdateScope = graphql(`mutation UpdateOrganizationScope($input: UpdateOrganizationScopeInput!) { updateOrganizationScope(input: $input) { id name description } }`);
const DeleteScope = graphql(`mutation DeleteOrganizationScope($id: ID!) { deleteOrganizationScope(input: { id: $id }) }`);
const CreateRole = graphql(`mutation CreateOrganizationRole($input: CreateOrganizationRoleInput!) { createOrganizationRole(input: $input) { id } }`);
const UpdateRole = graphql(`mutation UpdateOrganizationRole($input: UpdateOrganizationRoleInput!) { updateOrganizationRole(input: $input) { id } }`);
const SetRolePermissions = graphql(`mutation SetOrganizationRolePermissions($input: OrganizationRolePermissionsInput!) { setOrganizationRolePermissions(input: $input) { id } }`);
const DeleteRole = graphql(`mutation DeleteOrganizationRole($id: ID!) { deleteOrganizationRole(input: { id: $id }) }`);

export function TemplatePage() {
  const [tab, setTab] = useState<string | null>("permissions");
  return (
    <Stack>
      <Title order={1}>Organization template</Title>
      <Text c="dimmed" maw={760}>
        The permissions and roles every organization shares. A member's roles in an organization decide the permissions of
        their organization token there; a change here applies to every organization at once.
      </Text>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="permissions">Organization permissions</Tabs.Tab>
          <Tabs.Tab value="roles">Organization roles</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="permissions" pt="md">
          <PermissionsTab />
        </Tabs.Panel>
        <Tabs.Panel value="roles" pt="md">
          <RolesTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

type Editing<T> = { mode: "create" } | { mode: "edit"; item: T } | null;

function PermissionsTab() {
  const can = useCan();
  const writable = can("template:write");
  const [search, settled, setSearch] = useSearch();
  const pages = usePages(settled);
  const [{ data, error }, refetch] = useQuery({ query: OrganizationScopesQuery, variables: { search: settled || undefined, ...pages.variables } });
  useRefetchOnChange(TemplateChanged, {}, () => refetch({ requestPolicy: "network-only" }));
  const [editing, setEditing] = useState<Editing<{ id: string; name: string; description: string | null }>>(null);
  const [deletion, remove] = useMutation(DeleteScope);
  const connection = data?.organizationScopes;
  return (
    <Stack>
      <Group justify="space-between">
        <SearchInput label="Search permissions" value={search} onChange={setSearch} />
        {writable && <Button onClick={() => setEditing({ mode: "create" })}>Create permission</Button>}
      </Group>
      <ErrorAlert error={error ?? deletion.error} />
      <Table striped aria-label="Organization permissions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connection?.edges.map(({ node }) => (
            <Table.Tr key={node.id}>
              <Table.Td><code>{node.name}</code></Table.Td>
              <Table.Td>{node.description}</Table.Td>
              <Table.Td>
                {writable && (
                  <Group gap="xs" justify="flex-end">
                    <Button size="xs" variant="default" aria-label={`Edit ${node.name}`} onClick={() => setEditing({ mode: "edit", item: node })}>Edit</Button>
                    <Button size="xs" variant="subtle" color="red" aria-label={`Delete ${node.name}`} onClick={() => void remove({ id: node.id }).then(() => refetch({ requestPolicy: "network-only" }))}>Delete</Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} pages={pages} noun="permissions" />
      {editing && <PermissionModal editing={editing} onClose={() => setEditing(null)} onDone={() => refetch({ requestPolicy: "network-only" })} />}
    </Stack>
  );
}

function PermissionModal({ editing, onClose, onDone }: { editing: NonNullable<Editing<{ id: string; name: string; description: string | null }>>; onClose: () => void; onDone: () => void }) {
  const existing = editing.mode === "edit" ? editing.item : undefined;
  const [name, setName] = useState(existing?.name ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [creation, create] = useMutation(CreateScope);
  const [update, save] = useMutation(UpdateScope);
  const submit = async () => {
    const result = existing
      ? await save({ input: { id: existing.id, name, description: description || null } })
      : await create({ input: { name, description: description || undefined } });
    if (result.data) {
      onClose();
      onDone();
    }
  };
  return (
    <Modal opened onClose={onClose} title={existing ? `Edit permission ${existing.name}` : "Create organization permission"}>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <TextInput label="Name" description="Such as invite:users" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
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

interface RoleRow {
  id: string;
  name: string;
  description: string | null;
  type: "USER" | "MACHINE_TO_MACHINE";
  organizationScopes: { id: string; name: string }[];
  resourceScopes: { id: string; name: string; resource: { id: string; name: string } }[];
}

export const roleTypeLabel = { USER: "User", MACHINE_TO_MACHINE: "Machine-to-machine" } as const;

function RolesTab() {
  const can = useCan();
  const writable = can("template:write");
  const [search, settled, setSearch] = useSearch();
  const [type, setType] = useState("ALL");
  const pages = usePages(`${settled}|${type}`);
  const [{ data, error }, refetch] = useQuery({
    query: OrganizationRolesQuery,
    variables: { search: settled || undefined, type: type === "ALL" ? undefined : (type as RoleRow["type"]), ...pages.variables },
  });
  useRefetchOnChange(TemplateChanged, {}, () => refetch({ requestPolicy: "network-only" }));
  const [editing, setEditing] = useState<Editing<RoleRow>>(null);
  const [deletion, remove] = useMutation(DeleteRole);
  const connection = data?.organizationRoles;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <SearchInput label="Search roles" value={search} onChange={setSearch} />
          <SegmentedControl aria-label="Role type" value={type} onChange={setType} data={[{ value: "ALL", label: "All" }, { value: "USER", label: "User" }, { value: "MACHINE_TO_MACHINE", label: "Machine-to-machine" }]} />
        </Group>
        {writable && <Button onClick={() => setEditing({ mode: "create" })}>Create role</Button>}
      </Group>
      <ErrorAlert error={error ?? deletion.error} />
      <Table striped aria-label="Organization roles">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Organization permissions</Table.Th>
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
              <Table.Td><Text size="sm">{node.organizationScopes.map((scope) => scope.name).join(", ")}</Text></Table.Td>
              <Table.Td><Text size="sm">{node.resourceScopes.map((scope) => `${scope.resource.name}: ${scope.name}`).join(", ")}</Text></Table.Td>
              <Table.Td>
                {writable && (
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="default" aria-label={`Edit ${node.name}`} onClick={() => setEditing({ mode: "edit", item: node })}>Edit</Button>
                    <Button size="xs" variant="subtle" color="red" aria-label={`Delete ${node.name}`} onClick={() => void remove({ id: node.id }).then(() => refetch({ requestPolicy: "network-only" }))}>Delete</Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} pages={pages} noun="roles" />
      {editing && <RoleModal editing={editing} onClose={() => setEditing(null)} onDone={() => refetch({ requestPolicy: "network-only" })} />}
    </Stack>
  );
}

function RoleModal({ editing, onClose, onDone }: { editing: NonNullable<Editing<RoleRow>>; onClose: () => void; onDone: () => void }) {
  const existing = editing.mode === "edit" ? editing.item : undefined;
  const [name, setName] = useState(existing?.name ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [type, setType] = useState<RoleRow["type"]>(existing?.type ?? "USER");
  const [organizationScopeIds, setOrganizationScopeIds] = useState(existing?.organizationScopes.map((scope) => scope.id) ?? []);
  const [resourceScopeIds, setResourceScopeIds] = useState(existing?.resourceScopes.map((scope) => scope.id) ?? []);
  const [creation, create] = useMutation(CreateRole);
  const [update, save] = useMutation(UpdateRole);
  const [permissions, savePermissions] = useMutation(SetRolePermissions);
  const submit = async () => {
    if (existing) {
      const updated = await save({ input: { id: existing.id, name, description: description || null, type } });
      if (!updated.data) return;
      const result = await savePermissions({ input: { roleId: existing.id, organizationScopeIds, resourceScopeIds } });
      if (!result.data) return;
    } else {
      const result = await create({ input: { name, description: description || undefined, type, organizationScopeIds, resourceScopeIds } });
      if (!result.data) return;
    }
    onClose();
    onDone();
  };
  return (
    <Modal opened onClose={onClose} title={existing ? `Edit role ${existing.name}` : "Create organization role"} size="lg">
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <TextInput label="Name" description="Such as admin" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
          <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="role-type-label">Type</Text>
            <SegmentedControl
              aria-labelledby="role-type-label"
              value={type}
              onChange={(value) => setType(value as RoleRow["type"])}
              data={[{ value: "USER", label: "User" }, { value: "MACHINE_TO_MACHINE", label: "Machine-to-machine" }]}
            />
          </Stack>
          <OrganizationScopePicker label="Organization permissions" value={organizationScopeIds} onChange={setOrganizationScopeIds} />
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
