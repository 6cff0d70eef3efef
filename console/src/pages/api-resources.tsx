// API resources: search, pages, create. Each resource's permissions are on its own page.
import { Badge, Button, Code, Group, Modal, NumberInput, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { ErrorAlert, Pager, SearchInput, usePages, useSearch } from "../components/common.tsx";
import { AnchorLink } from "../components/links.tsx";
import { graphql } from "../graphql.ts";

const ApiResourcesQuery = graphql(`
  query ApiResources($search: String, $first: Int, $after: String, $last: Int, $before: String) {
    apiResources(search: $search, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name indicator accessTokenTtl isBuiltIn } }
    }
  }
`);

const CreateApiResource = graphql(`mutation CreateApiResource($input: CreateApiResourceInput!) { createApiResource(input: $input) { id } }`);

export function ApiResourcesPage() {
  const can = useCan();
  const [search, settled, setSearch] = useSearch();
  const pages = usePages(settled);
  const [{ data, error }] = useQuery({ query: ApiResourcesQuery, variables: { search: settled || undefined, ...pages.variables } });
  const [creating, setCreating] = useState(false);
  const connection = data?.apiResources;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>API resources</Title>
        {can("resources:write") && <Button onClick={() => setCreating(true)}>Create API resource</Button>}
      </Group>
      <Text c="dimmed">Your APIs, by their resource indicator (the audience of their tokens), and the permissions they define.</Text>
      <SearchInput label="Search API resources" value={search} onChange={setSearch} />
      <ErrorAlert error={error} />
      <Table striped aria-label="API resources">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Indicator</Table.Th>
            <Table.Th>Token lifetime</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connection?.edges.map(({ node }) => (
            <Table.Tr key={node.id}>
              <Table.Td>
                <AnchorLink to="/api-resources/$resourceId" params={{ resourceId: node.id }}>{node.name}</AnchorLink>
                {node.isBuiltIn && <Badge ml="xs" variant="outline" size="sm">Built in</Badge>}
              </Table.Td>
              <Table.Td><Code>{node.indicator}</Code></Table.Td>
              <Table.Td>{node.accessTokenTtl} s</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} pages={pages} noun="API resources" />
      <CreateApiResourceModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}

function CreateApiResourceModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [indicator, setIndicator] = useState("");
  const [ttl, setTtl] = useState<number | string>(3600);
  const [{ error, fetching }, create] = useMutation(CreateApiResource);
  const submit = async () => {
    const result = await create({ input: { name, indicator, accessTokenTtl: typeof ttl === "number" ? ttl : undefined } });
    if (!result.data) return;
    setName("");
    setIndicator("");
    onClose();
    await navigate({ to: "/api-resources/$resourceId", params: { resourceId: result.data.createApiResource.id } });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Create API resource">
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
          <TextInput label="Indicator" description="An absolute URI, such as https://api.example.com" required value={indicator} onChange={(event) => setIndicator(event.currentTarget.value)} />
          <NumberInput label="Token lifetime (seconds)" min={60} max={86400} value={ttl} onChange={setTtl} />
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
