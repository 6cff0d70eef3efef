// Users: search, pages, create.
import { Badge, Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { ErrorAlert, Pager, SearchInput, usePages, useSearch } from "../components/common.tsx";
import { graphql } from "../graphql.ts";
import { AnchorLink } from "../components/links.tsx";

const UsersQuery = graphql(`
  query Users($search: String, $first: Int, $after: String, $last: Int, $before: String) {
    users(search: $search, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name username primaryEmail mfaEnrolled createdAt } }
    }
  }
`);

const CreateUser = graphql(`mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }`);

export function UsersPage() {
  const can = useCan();
  const [search, settled, setSearch] = useSearch();
  const pages = usePages(settled);
  const [{ data, error }, refetch] = useQuery({ query: UsersQuery, variables: { search: settled || undefined, ...pages.variables } });
  const [creating, setCreating] = useState(false);
  const connection = data?.users;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Users</Title>
        {can("users:write") && <Button onClick={() => setCreating(true)}>Create user</Button>}
      </Group>
      <SearchInput label="Search users" value={search} onChange={setSearch} />
      <ErrorAlert error={error} />
      <Table striped aria-label="Users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Username</Table.Th>
            <Table.Th>MFA</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connection?.edges.map(({ node }) => (
            <Table.Tr key={node.id}>
              <Table.Td>
                <AnchorLink to="/users/$userId" params={{ userId: node.id }}>
                  {node.name ?? node.username ?? node.primaryEmail ?? node.id}
                </AnchorLink>
              </Table.Td>
              <Table.Td>{node.primaryEmail}</Table.Td>
              <Table.Td>{node.username}</Table.Td>
              <Table.Td>{node.mfaEnrolled ? <Badge>Enrolled</Badge> : <Text size="sm" c="dimmed">None</Text>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} pages={pages} noun="users" />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} onDone={() => refetch({ requestPolicy: "network-only" })} />
    </Stack>
  );
}

function CreateUserModal({ opened, onClose, onDone }: { opened: boolean; onClose: () => void; onDone: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [primaryEmail, setPrimaryEmail] = useState("");
  const [username, setUsername] = useState("");
  const [mfaEnrolled, setMfaEnrolled] = useState(false);
  const [{ error, fetching }, create] = useMutation(CreateUser);
  const reset = () => {
    setName("");
    setPrimaryEmail("");
    setUsername("");
    setMfaEnrolled(false);
  };
  const submit = async (open: boolean) => {
    const result = await create({ input: { name: name || undefined, primaryEmail: primaryEmail || undefined, username: username || undefined, mfaEnrolled } });
    if (!result.data) return;
    reset();
    onClose();
    onDone();
    if (open) await navigate({ to: "/users/$userId", params: { userId: result.data.createUser.id } });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Create user">
      <form onSubmit={(event) => { event.preventDefault(); void submit(false); }}>
        <Stack>
          <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
          <TextInput label="Email" type="email" value={primaryEmail} onChange={(event) => setPrimaryEmail(event.currentTarget.value)} />
          <TextInput label="Username" value={username} onChange={(event) => setUsername(event.currentTarget.value)} />
          <Checkbox label="MFA enrolled" description="Whether the user has a second factor at your identity provider." checked={mfaEnrolled} onChange={(event) => setMfaEnrolled(event.currentTarget.checked)} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={fetching}>Create</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
