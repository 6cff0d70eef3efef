// Organizations: search, pages, create; a guide to organizations and the template.
import { Accordion, Badge, Button, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { FormDialog } from "../components/common.tsx";
import { ListPage, useSearchedPages } from "../components/list-page.tsx";
import { graphql } from "../graphql.ts";
import { AnchorLink } from "../components/links.tsx";

const OrganizationsQuery = graphql(`
  query Organizations($search: String, $first: Int, $after: String, $last: Int, $before: String) {
    organizations(search: $search, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id name description isMfaRequired createdAt } }
    }
  }
`);

const CreateOrganization = graphql(`
  mutation CreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) { id name }
  }
`);

export function OrganizationsPage() {
  const can = useCan();
  const list = useSearchedPages();
  const [{ data, error, fetching }] = useQuery({ query: OrganizationsQuery, variables: list.variables });
  const [creating, setCreating] = useState(false);
  return (
    <ListPage
      title="Organizations"
      action={can("organizations:write") && <Button onClick={() => setCreating(true)}>Create organization</Button>}
      intro={<OrganizationGuide />}
      list={list}
      error={error}
      connection={data?.organizations}
      rowKey={(node) => node.id}
      noun="organizations"
      busy={fetching}
      columns={[
        {
          header: "Name",
          cell: (node) => (
            <AnchorLink to="/organizations/$organizationId" params={{ organizationId: node.id }}>
              {node.name}
            </AnchorLink>
          ),
        },
        { header: "Description", cell: (node) => node.description },
        { header: "MFA", cell: (node) => (node.isMfaRequired ? <Badge>Required</Badge> : <Text size="sm" c="dimmed">Optional</Text>) },
      ]}
    >
      {creating && <CreateOrganizationDialog onClose={() => setCreating(false)} />}
    </ListPage>
  );
}

function CreateOrganizationDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [creation, create] = useMutation(CreateOrganization);
  const submit = async () => {
    const result = await create({ input: { name, description: description || undefined } });
    if (!result.data) return;
    onClose();
    await navigate({ to: "/organizations/$organizationId", params: { organizationId: result.data.createOrganization.id } });
  };
  return (
    <FormDialog title="Create organization" onClose={onClose} onSubmit={submit} submitLabel="Create" progress={creation}>
      <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
      <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} />
    </FormDialog>
  );
}

export function OrganizationGuide() {
  return (
    <Accordion variant="contained">
      <Accordion.Item value="guide">
        <Accordion.Control>How organizations work</Accordion.Control>
        <Accordion.Panel>
          <Stack gap="xs">
            <Text size="sm">
              An organization is a customer of your product: a team, a company, a tenant. Users join it as members, and
              machine-to-machine applications can join it too. What a member may do inside it comes from the roles they hold there.
            </Text>
            <Text size="sm">
              Every organization shares one <AnchorLink to="/organization-template">organization template</AnchorLink>:
              organization permissions (such as <code>invite:users</code>) and organization roles that bundle them, each role for
              users or for machine-to-machine applications. Roles may also hold permissions of your API resources. Change the
              template once and it applies to every organization.
            </Text>
            <Text size="sm">
              A product asks Gatehouse's token endpoint for an organization token: it carries the permissions that the member's roles
              grant in that organization. Organizations that require MFA refuse tokens to users without MFA.
            </Text>
            <Text size="sm">
              Start with the template: create the permissions, then the roles. Then create an organization, add members with their
              roles, and add applications with machine-to-machine roles.
            </Text>
          </Stack>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
