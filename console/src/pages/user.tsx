// One user: profile, MFA state, custom data, global roles, their organizations and roles there.
import { Button, Card, Checkbox, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { DeleteCard, ErrorAlert, JsonObjectField, NotLoaded, parseJsonObject } from "../components/common.tsx";
import { AnchorLink } from "../components/links.tsx";
import { GlobalRolesCard, OrganizationsCard } from "../components/memberships.tsx";
import { userLabel } from "../components/pickers.tsx";
import { graphql } from "../graphql.ts";

const route = getRouteApi("/users/$userId");

const UserQuery = graphql(`
  query User($id: ID!) {
    user(id: $id) {
      id name username primaryEmail avatarUrl mfaEnrolled customData createdAt
      identities { id issuer subject }
      roles { id name }
    }
  }
`);

const UpdateUser = graphql(`mutation UpdateUser($input: UpdateUserInput!) { updateUser(input: $input) { id name username primaryEmail mfaEnrolled customData } }`);
const DeleteUser = graphql(`mutation DeleteUser($id: ID!) { deleteUser(input: { id: $id }) }`);

export function UserPage() {
  const { userId } = route.useParams();
  const writable = useCan()("users:write");
  const [{ data, error }, refetch] = useQuery({ query: UserQuery, variables: { id: userId } });
  const [, remove] = useMutation(DeleteUser);
  const user = data?.user;
  if (!user) return <NotLoaded data={data} error={error} noun="user" />;
  return (
    <Stack maw={860}>
      <AnchorLink to="/users" size="sm">← Users</AnchorLink>
      <Title order={1}>{userLabel(user)}</Title>
      <Text size="xs" c="dimmed">User id <code>{user.id}</code></Text>
      <UserProfile key={user.id} user={user} writable={writable} />
      <GlobalRolesCard
        key={`${user.id}-roles`}
        holder={{ kind: "user", id: user.id }}
        roles={user.roles}
        writable={writable}
        description="API permissions the user holds everywhere (a role with management permissions opens this console)."
        onSaved={() => refetch({ requestPolicy: "network-only" })}
      />
      <OrganizationsCard holder={{ kind: "user", id: user.id }} />
      {user.identities && user.identities.length > 0 && (
        <Card withBorder>
          <Title order={2} size="h4">Identities</Title>
          {user.identities.map((identity) => (
            <Text key={identity.id} size="sm">{identity.issuer} — <code>{identity.subject}</code></Text>
          ))}
        </Card>
      )}
      {writable && (
        <DeleteCard
          noun="user"
          name={userLabel(user)}
          consequence="Their identities, memberships and roles go with them."
          remove={() => remove({ id: user.id })}
          leaveTo="/users"
        />
      )}
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

function UserProfile({ user, writable }: { user: Profile; writable: boolean }) {
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
