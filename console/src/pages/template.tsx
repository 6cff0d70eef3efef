// The organization template: organization permissions and organization roles (for users or for
// machine-to-machine applications), shared by every organization. Live: other admins' changes show.
import { Stack, Tabs, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { useSearchedPages } from "../components/list-page.tsx";
import { useRefetchOnChange } from "../components/live.ts";
import type { RoleType } from "../components/pickers.tsx";
import { PermissionList, RoleList, saveRole } from "../components/role-editor.tsx";
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

function PermissionsTab() {
  const writable = useCan()("template:write");
  const list = useSearchedPages();
  const [{ data, error }, refetch] = useQuery({ query: OrganizationScopesQuery, variables: list.variables });
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnChange(TemplateChanged, {}, reload);
  const [creation, create] = useMutation(CreateScope);
  const [update, save] = useMutation(UpdateScope);
  const [deletion, remove] = useMutation(DeleteScope);
  return (
    <PermissionList
      label="Organization permissions"
      createTitle="Create organization permission"
      nameHint="invite:users"
      list={list}
      connection={data?.organizationScopes}
      error={error ?? deletion.error}
      writable={writable}
      saving={[creation, update]}
      save={async (existing, values) => {
        const result = existing ? await save({ input: { id: existing.id, ...values } }) : await create({ input: { name: values.name, description: values.description ?? undefined } });
        if (result.data) reload();
        return Boolean(result.data);
      }}
      remove={(permission) => void remove({ id: permission.id }).then(reload)}
    />
  );
}

function RolesTab() {
  const writable = useCan()("template:write");
  const [type, setType] = useState<RoleType | "ALL">("ALL");
  const list = useSearchedPages(type);
  const [{ data, error }, refetch] = useQuery({ query: OrganizationRolesQuery, variables: { ...list.variables, type: type === "ALL" ? undefined : type } });
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnChange(TemplateChanged, {}, reload);
  const [creation, create] = useMutation(CreateRole);
  const [update, updateRole] = useMutation(UpdateRole);
  const [permissions, setPermissions] = useMutation(SetRolePermissions);
  const [deletion, remove] = useMutation(DeleteRole);
  return (
    <RoleList
      noun="organization role"
      createLabel="Create role"
      label="Organization roles"
      withOrganizationPermissions
      type={type}
      onTypeChange={setType}
      list={list}
      connection={data?.organizationRoles}
      error={error ?? deletion.error}
      writable={writable}
      saving={[creation, update, permissions]}
      save={async (existing, values) => {
        const saved = await saveRole(existing, values, {
          create: ({ description, ...role }) => create({ input: { ...role, description: description ?? undefined } }),
          update: (id, { name, description, type }) => updateRole({ input: { id, name, description, type } }),
          setPermissions: (roleId, { organizationScopeIds, resourceScopeIds }) => setPermissions({ input: { roleId, organizationScopeIds, resourceScopeIds } }),
        });
        if (saved) reload();
        return saved;
      }}
      remove={(role) => void remove({ id: role.id }).then(reload)}
    />
  );
}
