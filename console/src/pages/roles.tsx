// Global roles: API permissions held everywhere, by users (type User) or applications
// (Machine-to-machine). A role with Gatehouse's management permissions opens this console.
import { Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { useSearchedPages } from "../components/list-page.tsx";
import type { RoleType } from "../components/pickers.tsx";
import { RoleList, saveRole } from "../components/role-editor.tsx";
import { graphql } from "../graphql.ts";

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

export function GlobalRolesPage() {
  const writable = useCan()("resources:write");
  const [type, setType] = useState<RoleType | "ALL">("ALL");
  const list = useSearchedPages(type);
  const [{ data, error }, refetch] = useQuery({ query: GlobalRolesQuery, variables: { ...list.variables, type: type === "ALL" ? undefined : type } });
  const reload = () => refetch({ requestPolicy: "network-only" });
  const [creation, create] = useMutation(CreateGlobalRole);
  const [update, updateRole] = useMutation(UpdateGlobalRole);
  const [permissions, setPermissions] = useMutation(SetGlobalRolePermissions);
  const [deletion, remove] = useMutation(DeleteGlobalRole);
  return (
    <Stack>
      <Title order={1}>Global roles</Title>
      <Text c="dimmed" maw={760}>API permissions a user or an application holds everywhere, outside any organization. Roles holding Gatehouse's management permissions let users into this console.</Text>
      <RoleList
        noun="global role"
        createLabel="Create global role"
        label="Global roles"
        withOrganizationPermissions={false}
        type={type}
        onTypeChange={setType}
        list={list}
        connection={data?.globalRoles}
        error={error ?? deletion.error}
        writable={writable}
        saving={[creation, update, permissions]}
        save={async (existing, values) => {
          const saved = await saveRole(existing, values, {
            create: ({ name, description, type, resourceScopeIds }) => create({ input: { name, description: description ?? undefined, type, resourceScopeIds } }),
            update: (id, { name, description, type }) => updateRole({ input: { id, name, description, type } }),
            setPermissions: (roleId, { resourceScopeIds }) => setPermissions({ input: { roleId, resourceScopeIds } }),
          });
          if (saved) reload();
          return saved;
        }}
        remove={(role) => void remove({ id: role.id }).then(reload)}
      />
    </Stack>
  );
}
