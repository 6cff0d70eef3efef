// One user: profile, MFA state, custom data, global roles, their organizations and roles there.
import { Button, Card, Checkbox, Group, Modal, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { ErrorAlert, JsonObjectField, parseJsonObject, usePages } from "../components/common.tsx";
import { MembershipsTable } from "../components/memberships.tsx";
import { GlobalRolePicker, userLabel } from "../components/pickers.tsx";
import { graphql } from "../graphql.ts";
import { AnchorLink } from "../components/links.tsx";

const route = getRouteApi("/users/$userId");

const UserQuery = graphql(`
  query User($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    user(id: $id) {
      id name username primaryEmail avatarUrl mfaEnrolled customData createdAt
      identities { id issuer subject }
      roles { id name }
      organizations(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { organization { id name } roles { id name } } }
      }
    }
  }
`);

const UpdateUser = graphql(`mutation UpdateUser($input: UpdateUserInput!) { updateUser(input: $input) { id name username primaryEmail mfaEnrolled customData } }`);
const SetUserGlobalRoles = graphql(`mutation SetUserGlobalRoles($input: UserGlobalRolesInput!) { setUserGlobalRoles(input: $input) { id roles { id name } } }`);
const DeleteUser = graphql(`mutation DeleteUser($id: ID!) { deleteUser(input: { id: $id }) }`);

export function UserPage() {
  const { userId } = route.useParams();
  const pages = usePages(userId);
  const [{ data, error }, refetch] = useQuery({ query: UserQuery, variables: { id: userId, ...pages.variables } });
  const user = data?.user;
  if (error && !user) return <ErrorAlert error={error} />;
  if (data && !user) return <ErrorAlert title="Not found" error="This user does not exist (any more)." />;
  if (!user) return null;
  return (
    <Stack maw={860}>
      <AnchorLink to="/users" size="sm">← Users</AnchorLink>
      <Title order={1}>{userLabel(user)}</Title>
      <Text size="xs" c="dimmed">User id <code>{user.id}</code></Text>
      <UserProfile key={user.id} user={user} />
      <UserGlobalRoles key={`${user.id}-roles`} userId={user.id} roleIds={user.roles.map((role) => role.id)} onDone={() => refetch({ requestPolicy: "network-only" })} />
      <Card withBorder>
        <Stack>
          <Title order={2} size="h4">Organizations</Title>
          <MembershipsTable connection={user.organizations} pages={pages} />
        </Stack>
      </Card>
      {user.identities && user.identities.length > 0 && (
        <Card withBorder>
          <Title order={2} size="h4">Identities</Title>
          {user.identities.map((identity) => (
            <Text key={identity.id} size="sm">{identity.issuer} — <code>{identity.subject}</code></Text>
          ))}
        </Card>
      )}
      <DeleteUserCard user={user} />
    </Stack>
  );
}

interface Profile {
  id: string;
  name: string | null;
  username: string | null;
  primaryEmail: string | null;
  mfaEnrolled: boolean;
  customData?: Record<string, unknown> | null;
}

function UserProfile({ user }: { user: Profile }) {
  const writable = useCan()("users:write");
  const [name, setName] = useState(user.name ?? "");
  const [primaryEmail, setPrimaryEmail] = useState(user.primaryEmail ?? "");
  const [username, setUsername] = useState(user.username ?? "");
  const [mfaEnrolled, setMfaEnrolled] = useState(user.mfaEnrolled);
  const [customData, setCustomData] = useState(user.customData ? JSON.stringify(user.customData, null, 2) : "");
  const [{ error, fetching }, save] = useMutation(UpdateUser);
  const parsed = parseJsonObject(customData);
  const submit = async () => {
    if (parsed.error) return;
    const result = await save({ input: { id: user.id, name: name || null, primaryEmail: primaryEmail || null, username: username || null, mfaEnrolled, customData: parsed.value ?? null } });
    if (result.data) notifications.show({ message: "User saved." });
  };
  return (
    <Card withBorder>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <Title order={2} size="h4">Profile</Title>
          <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} disabled={!writable} />
          <TextInput label="Email" type="email" value={primaryEmail} onChange={(event) => setPrimaryEmail(event.currentTarget.value)} disabled={!writable} />
          <TextInput label="Username" value={username} onChange={(event) => setUsername(event.currentTarget.value)} disabled={!writable} />
          <Checkbox label="MFA enrolled" description="Organizations that require MFA refuse tokens to users without it." checked={mfaEnrolled} onChange={(event) => setMfaEnrolled(event.currentTarget.checked)} disabled={!writable} />
          <JsonObjectField label="Custom data" value={customData} onChange={setCustomData} error={parsed.error} disabled={!writable} />
          <ErrorAlert error={error} />
          {writable && (
            <Group justify="flex-end">
              <Button type="submit" loading={fetching} disabled={Boolean(parsed.error)}>Save</Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function UserGlobalRoles({ userId, roleIds: initial, onDone }: { userId: string; roleIds: string[]; onDone: () => void }) {
  const writable = useCan()("users:write");
  const [roleIds, setRoleIds] = useState(initial);
  const [{ error, fetching }, save] = useMutation(SetUserGlobalRoles);
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">Global roles</Title>
        <Text size="sm" c="dimmed">API permissions the user holds everywhere (a role with management permissions opens this console).</Text>
        {writable ? (
          <>
            <GlobalRolePicker type="USER" label="Global roles" value={roleIds} onChange={setRoleIds} />
            <ErrorAlert error={error} />
            <Group justify="flex-end">
              <Button loading={fetching} onClick={() => void save({ input: { userId, roleIds } }).then((result) => { if (result.data) { notifications.show({ message: "Global roles saved." }); onDone(); } })}>
                Save global roles
              </Button>
            </Group>
          </>
        ) : null}
      </Stack>
    </Card>
  );
}

function DeleteUserCard({ user }: { user: Profile }) {
  const writable = useCan()("users:write");
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [{ error, fetching }, remove] = useMutation(DeleteUser);
  if (!writable) return null;
  const label = userLabel(user);
  return (
    <Card withBorder>
      <Stack align="flex-start">
        <Title order={2} size="h4">Delete user</Title>
        <Button color="red" onClick={() => setOpen(true)}>Delete user</Button>
      </Stack>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete ${label}?`}>
        <Stack>
          <Text>Their identities, memberships and roles go with them.</Text>
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button color="red" loading={fetching} onClick={() => void remove({ id: user.id }).then(async (result) => { if (result.data) { setOpen(false); await navigate({ to: "/users" }); } })}>Delete</Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
