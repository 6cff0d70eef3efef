// API resources: search, pages, create. Each resource's permissions are on its own page.
import { Badge, Button, Code, NumberInput, Text, TextInput } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { FormDialog } from "../components/common.tsx";
import { ListPage, useSearchedPages } from "../components/list-page.tsx";
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
  const list = useSearchedPages();
  const [{ data, error }] = useQuery({ query: ApiResourcesQuery, variables: list.variables });
  const [creating, setCreating] = useState(false);
  return (
    <ListPage
      title="API resources"
      action={can("resources:write") && <Button onClick={() => setCreating(true)}>Create API resource</Button>}
      intro={<Text c="dimmed">Your APIs, by their resource indicator (the audience of their tokens), and the permissions they define.</Text>}
      list={list}
      error={error}
      connection={data?.apiResources}
      rowKey={(node) => node.id}
      noun="API resources"
      columns={[
        {
          header: "Name",
          cell: (node) => (
            <>
              <AnchorLink to="/api-resources/$resourceId" params={{ resourceId: node.id }}>{node.name}</AnchorLink>
              {node.isBuiltIn && <Badge ml="xs" variant="outline" size="sm">Built in</Badge>}
            </>
          ),
        },
        { header: "Indicator", cell: (node) => <Code>{node.indicator}</Code> },
        { header: "Token lifetime", cell: (node) => `${node.accessTokenTtl} s` },
      ]}
    >
      {creating && <CreateApiResourceDialog onClose={() => setCreating(false)} />}
    </ListPage>
  );
}

function CreateApiResourceDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [indicator, setIndicator] = useState("");
  const [ttl, setTtl] = useState<number | string>(3600);
  const [creation, create] = useMutation(CreateApiResource);
  const submit = async () => {
    const result = await create({ input: { name, indicator, accessTokenTtl: typeof ttl === "number" ? ttl : undefined } });
    if (!result.data) return;
    onClose();
    await navigate({ to: "/api-resources/$resourceId", params: { resourceId: result.data.createApiResource.id } });
  };
  return (
    <FormDialog title="Create API resource" onClose={onClose} onSubmit={submit} submitLabel="Create" progress={creation}>
      <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
      <TextInput label="Indicator" description="An absolute URI, such as https://api.example.com" required value={indicator} onChange={(event) => setIndicator(event.currentTarget.value)} />
      <NumberInput label="Token lifetime (seconds)" min={60} max={86400} value={ttl} onChange={setTtl} />
    </FormDialog>
  );
}
