// Machine-to-machine applications: search, pages, create (the secret is shown once).
import { Alert, Button, Code, CopyButton, Group, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { FormDialog } from "../components/common.tsx";
import { ListPage, useSearchedPages } from "../components/list-page.tsx";
import { graphql } from "../graphql.ts";
import { AnchorLink } from "../components/links.tsx";

const ApplicationsQuery = graphql(`
  query Applications($search: String, $first: Int, $after: String, $last: Int, $before: String) {
    applications(search: $search, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name description createdAt } }
    }
  }
`);

const CreateApplication = graphql(`
  mutation CreateApplication($input: CreateApplicationInput!) {
    createApplication(input: $input) { clientId clientSecret application { id name } }
  }
`);

export function ApplicationsPage() {
  const can = useCan();
  const list = useSearchedPages();
  const [{ data, error }, refetch] = useQuery({ query: ApplicationsQuery, variables: list.variables });
  const [creating, setCreating] = useState(false);
  return (
    <ListPage
      title="Applications"
      action={can("applications:write") && <Button onClick={() => setCreating(true)}>Create application</Button>}
      intro={<Text c="dimmed">Machine-to-machine applications get tokens with client credentials, for Gatehouse's API, your APIs or an organization.</Text>}
      list={list}
      error={error}
      connection={data?.applications}
      rowKey={(node) => node.id}
      noun="applications"
      columns={[
        {
          header: "Name",
          cell: (node) => (
            <AnchorLink to="/applications/$applicationId" params={{ applicationId: node.id }}>
              {node.name}
            </AnchorLink>
          ),
        },
        { header: "Description", cell: (node) => node.description },
        { header: "Client id", cell: (node) => <Code>{node.id}</Code> },
      ]}
    >
      {creating && <CreateApplicationDialog onClose={() => setCreating(false)} onDone={() => refetch({ requestPolicy: "network-only" })} />}
    </ListPage>
  );
}

function CreateApplicationDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [secret, setSecret] = useState<{ clientId: string; clientSecret: string } | null>(null);
  const [creation, create] = useMutation(CreateApplication);
  const submit = async () => {
    const result = await create({ input: { name, description: description || undefined } });
    if (!result.data) return;
    setSecret({ clientId: result.data.createApplication.clientId, clientSecret: result.data.createApplication.clientSecret });
    onDone();
  };
  return (
    <FormDialog title="Create application" onClose={onClose} onSubmit={submit} submitLabel="Create" progress={creation} done={secret && <SecretOnce credentials={secret} onDone={onClose} />}>
      <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
      <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} />
    </FormDialog>
  );
}

/** Client credentials, shown once: Gatehouse keeps only a hash of the secret. */
export function SecretOnce({ credentials, onDone }: { credentials: { clientId: string; clientSecret: string }; onDone: () => void }) {
  return (
    <Stack>
      <Alert color="yellow" title="Copy the secret now">
        It is shown only this once; Gatehouse keeps no readable copy. Rotate it if it is lost.
      </Alert>
      <TextInput label="Client id" readOnly value={credentials.clientId} />
      <TextInput label="Client secret" readOnly value={credentials.clientSecret} />
      <Group justify="flex-end">
        <CopyButton value={credentials.clientSecret}>
          {({ copied, copy }) => <Button variant="default" onClick={copy}>{copied ? "Copied" : "Copy secret"}</Button>}
        </CopyButton>
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
