// What a user's and an application's pages share: the organizations it belongs to with its roles
// in each (searchable, paged), and its global roles. Each section reads and writes through the
// holder's own fields and mutations (a user's or an application's), chosen by its kind.
import { Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { needsScopes } from "../errors.ts";
import { graphql } from "../graphql.ts";
import { ErrorAlert } from "./common.tsx";
import { SearchableList, useSearchedPages } from "./list-page.tsx";
import { AnchorLink } from "./links.tsx";
import { GlobalRolePicker } from "./pickers.tsx";

/** A user or an application: what holds memberships and global roles. */
export interface Holder {
  kind: "user" | "application";
  id: string;
}

const UserOrganizationsQuery = graphql(`
  query UserOrganizations($id: ID!, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
    user(id: $id) {
      id
      organizations(search: $search, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { organization { id name } roles { id name } } }
      }
    }
  }
`);

const ApplicationOrganizationsQuery = graphql(`
  query ApplicationOrganizations($id: ID!, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
    application(id: $id) {
      id
      organizations(search: $search, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { organization { id name } roles { id name } } }
      }
    }
  }
`);

const SetUserGlobalRoles = graphql(`mutation SetUserGlobalRoles($input: UserGlobalRolesInput!) { setUserGlobalRoles(input: $input) { id roles { id name } } }`);
const SetApplicationGlobalRoles = graphql(`mutation SetApplicationGlobalRoles($input: ApplicationGlobalRolesInput!) { setApplicationGlobalRoles(input: $input) { id roles { id name } } }`);

function RoleBadges({ roles, none }: { roles: readonly { id: string; name: string }[]; none: string }) {
  return <Group gap={4}>{roles.length ? roles.map((role) => <Badge key={role.id} variant="light">{role.name}</Badge>) : <Text size="sm" c="dimmed">{none}</Text>}</Group>;
}

export function OrganizationsCard({ holder }: { holder: Holder }) {
  const list = useSearchedPages(holder.id);
  const variables = { id: holder.id, ...list.variables };
  const [users] = useQuery({ query: UserOrganizationsQuery, variables, pause: holder.kind !== "user" });
  const [applications] = useQuery({ query: ApplicationOrganizationsQuery, variables, pause: holder.kind !== "application" });
  const { data, error } = holder.kind === "user" ? { data: users.data?.user, error: users.error } : { data: applications.data?.application, error: applications.error };
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">Organizations</Title>
        <SearchableList
          label="Organizations"
          noun="organizations"
          list={list}
          connection={data?.organizations}
          error={error}
          rowKey={(node) => node.organization.id}
          columns={[
            {
              header: "Organization",
              cell: (node) => (
                <AnchorLink to="/organizations/$organizationId" params={{ organizationId: node.organization.id }}>
                  {node.organization.name}
                </AnchorLink>
              ),
            },
            { header: "Roles", cell: (node) => <RoleBadges roles={node.roles} none="No roles" /> },
          ]}
        />
      </Stack>
    </Card>
  );
}

/** The global roles of a user (type User) or an application (Machine-to-machine); changed by whoever may write the holder. */
export function GlobalRolesCard({ holder, roles, writable, description, onSaved }: {
  holder: Holder;
  roles: readonly { id: string; name: string }[];
  writable: boolean;
  description: string;
  onSaved: () => void;
}) {
  // The roles to choose from are the global roles' list.
  const readsRoles = useCan()("resources:read");
  const [roleIds, setRoleIds] = useState(roles.map((role) => role.id));
  const [userUpdate, setUserRoles] = useMutation(SetUserGlobalRoles);
  const [applicationUpdate, setApplicationRoles] = useMutation(SetApplicationGlobalRoles);
  const progress = holder.kind === "user" ? userUpdate : applicationUpdate;
  const submit = async () => {
    const result =
      holder.kind === "user"
        ? await setUserRoles({ input: { userId: holder.id, roleIds } })
        : await setApplicationRoles({ input: { applicationId: holder.id, roleIds } });
    if (!result.data) return;
    notifications.show({ message: "Global roles saved." });
    onSaved();
  };
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">Global roles</Title>
        <Text size="sm" c="dimmed">{description}</Text>
        {writable && readsRoles ? (
          <>
            <GlobalRolePicker type={holder.kind === "user" ? "USER" : "MACHINE_TO_MACHINE"} label="Global roles" value={roleIds} onChange={setRoleIds} />
            <ErrorAlert error={progress.error} />
            <Group justify="flex-end">
              <Button loading={progress.fetching} onClick={() => void submit()}>Save global roles</Button>
            </Group>
          </>
        ) : (
          <>
            <RoleBadges roles={roles} none="No global roles" />
            {writable && <Text size="xs" c="dimmed">{needsScopes(["resources:read"])} to choose global roles.</Text>}
          </>
        )}
      </Stack>
    </Card>
  );
}
