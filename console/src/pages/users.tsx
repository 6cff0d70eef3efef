// Users: search, pages, create.
import { Badge, Button, Checkbox, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { FormDialog } from "../components/common.tsx";
import { ListPage, useSearchedPages } from "../components/list-page.tsx";
import { graphql } from "../graphql.ts";
import { AnchorLink } from "../components/links.tsx";
import { userLabel } from "../components/pickers.tsx";

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
  const list = useSearchedPages();
  const [{ data, error }, refetch] = useQuery({ query: UsersQuery, variables: list.variables });
  const [creating, setCreating] = useState(false);
  return (
    <ListPage
      title="Users"
      action={can("users:write") && <Button onClick={() => setCreating(true)}>Create user</Button>}
      list={list}
      error={error}
      connection={data?.users}
      rowKey={(node) => node.id}
      noun="users"
      columns={[
        {
          header: "Name",
          cell: (node) => (
            <AnchorLink to="/users/$userId" params={{ userId: node.id }}>
              {userLabel(node)}
            </AnchorLink>
          ),
        },
        { header: "Email", cell: (node) => node.primaryEmail },
        { header: "Username", cell: (node) => node.username },
        { header: "MFA", cell: (node) => (node.mfaEnrolled ? <Badge>Enrolled</Badge> : <Text size="sm" c="dimmed">None</Text>) },
      ]}
    >
      {creating && <CreateUserDialog onClose={() => setCreating(false)} onDone={() => refetch({ requestPolicy: "network-only" })} />}
    </ListPage>
  );
}

function CreateUserDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState("");
  const [primaryEmail, setPrimaryEmail] = useState("");
  const [username, setUsername] = useState("");
  const [mfaEnrolled, setMfaEnrolled] = useState(false);
  const [creation, create] = useMutation(CreateUser);
  const submit = async () => {
    const result = await create({ input: { name: name || undefined, primaryEmail: primaryEmail || undefined, username: username || undefined, mfaEnrolled } });
    if (!result.data) return;
    onClose();
    onDone();
  };
  return (
    <FormDialog title="Create user" onClose={onClose} onSubmit={submit} submitLabel="Create" progress={creation}>
      <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
      <TextInput label="Email" type="email" value={primaryEmail} onChange={(event) => setPrimaryEmail(event.currentTarget.value)} />
      <TextInput label="Username" value={username} onChange={(event) => setUsername(event.currentTarget.value)} />
      <Checkbox label="MFA enrolled" description="Whether the user has a second factor at your identity provider." checked={mfaEnrolled} onChange={(event) => setMfaEnrolled(event.currentTarget.checked)} />
    </FormDialog>
  );
}
