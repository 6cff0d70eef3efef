// One API resource: its settings and its permissions (search, pages, create, edit, delete).
// Gatehouse's own management API is shown read-only.
import { Alert, Button, Card, Group, NumberInput, Stack, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { DeleteCard, ErrorAlert, NotLoaded } from "../components/common.tsx";
import { AnchorLink } from "../components/links.tsx";
import { useSearchedPages } from "../components/list-page.tsx";
import { PermissionList } from "../components/role-editor.tsx";
import { graphql } from "../graphql.ts";

const route = getRouteApi("/api-resources/$resourceId");

const ApiResourceQuery = graphql(`
  query ApiResource($id: ID!, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
    apiResource(id: $id) {
      id name indicator accessTokenTtl isBuiltIn
      scopes(search: $search, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { id name description } }
      }
    }
  }
`);

const UpdateApiResource = graphql(`mutation UpdateApiResource($input: UpdateApiResourceInput!) { updateApiResource(input: $input) { id name indicator accessTokenTtl } }`);
const DeleteApiResource = graphql(`mutation DeleteApiResource($id: ID!) { deleteApiResource(input: { id: $id }) }`);
const CreateResourceScope = graphql(`mutation CreateResourceScope($input: CreateResourceScopeInput!) { createResourceScope(input: $input) { id } }`);
const UpdateResourceScope = graphql(`mutation UpdateResourceScope($input: UpdateResourceScopeInput!) { updateResourceScope(input: $input) { id name description } }`);
const DeleteResourceScope = graphql(`mutation DeleteResourceScope($id: ID!) { deleteResourceScope(input: { id: $id }) }`);

export function ApiResourcePage() {
  const { resourceId } = route.useParams();
  const writable = useCan()("resources:write");
  const list = useSearchedPages(resourceId);
  const [{ data, error }, refetch] = useQuery({ query: ApiResourceQuery, variables: { id: resourceId, ...list.variables } });
  const [creation, createScope] = useMutation(CreateResourceScope);
  const [update, updateScope] = useMutation(UpdateResourceScope);
  const [scopeDeletion, removeScope] = useMutation(DeleteResourceScope);
  const [, remove] = useMutation(DeleteApiResource);
  const resource = data?.apiResource;
  if (!resource) return <NotLoaded data={data} error={error} noun="API resource" />;
  const editable = writable && !resource.isBuiltIn;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <Stack maw={960}>
      <AnchorLink to="/api-resources" size="sm">← API resources</AnchorLink>
      <Title order={1}>{resource.name}</Title>
      {resource.isBuiltIn && <Alert title="Gatehouse's own management API">It cannot be renamed or deleted, nor its permissions changed. Give its permissions to global roles to let users and applications manage Gatehouse.</Alert>}
      <ResourceSettings key={resource.id} resource={resource} editable={editable} />
      <Card withBorder>
        <Stack>
          <Title order={2} size="h4">Permissions</Title>
          <PermissionList
            label="Permissions"
            createTitle="Create API permission"
            nameHint="read:invoices"
            list={list}
            connection={resource.scopes}
            error={error ?? scopeDeletion.error}
            writable={editable}
            saving={[creation, update]}
            save={async (existing, values) => {
              const result = existing
                ? await updateScope({ input: { id: existing.id, ...values } })
                : await createScope({ input: { resourceId: resource.id, name: values.name, description: values.description ?? undefined } });
              if (result.data) reload();
              return Boolean(result.data);
            }}
            remove={(scope) => void removeScope({ id: scope.id }).then(reload)}
          />
        </Stack>
      </Card>
      {editable && (
        <DeleteCard
          noun="API resource"
          name={resource.name}
          consequence="Its permissions go with it, from every role that holds them."
          remove={() => remove({ id: resource.id })}
          leaveTo="/api-resources"
        />
      )}
    </Stack>
  );
}

function ResourceSettings({ resource, editable }: { resource: { id: string; name: string; indicator: string; accessTokenTtl: number }; editable: boolean }) {
  const [name, setName] = useState(resource.name);
  const [indicator, setIndicator] = useState(resource.indicator);
  const [ttl, setTtl] = useState<number | string>(resource.accessTokenTtl);
  const [{ error, fetching }, save] = useMutation(UpdateApiResource);
  const submit = async () => {
    const result = await save({ input: { id: resource.id, name, indicator, accessTokenTtl: typeof ttl === "number" ? ttl : undefined } });
    if (result.data) notifications.show({ message: "API resource saved." });
  };
  return (
    <Card withBorder>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <Title order={2} size="h4">Settings</Title>
          <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} disabled={!editable} />
          <TextInput label="Indicator" required value={indicator} onChange={(event) => setIndicator(event.currentTarget.value)} disabled={!editable} />
          <NumberInput label="Token lifetime (seconds)" min={60} max={86400} value={ttl} onChange={setTtl} disabled={!editable} />
          <ErrorAlert error={error} />
          {editable && <Group justify="flex-end"><Button type="submit" loading={fetching}>Save</Button></Group>}
        </Stack>
      </form>
    </Card>
  );
}
