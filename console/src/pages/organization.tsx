// One organization: profile, members and their roles, machine-to-machine applications and their
// roles, invitations, require MFA, custom data, branding, just-in-time provisioning, deletion.
// Changes made elsewhere show up live.
import { Badge, Button, Card, Group, Stack, Switch, Tabs, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { applicationSubjects, AssignmentList, userSubjects } from "../components/assignments.tsx";
import { BrandingCard } from "../components/branding.tsx";
import { DeleteCard, ErrorAlert, JsonObjectField, NotLoaded, parseJsonObject } from "../components/common.tsx";
import { InvitationsTab } from "../components/invitations.tsx";
import { JitCard } from "../components/jit.tsx";
import { AnchorLink } from "../components/links.tsx";
import { useSearchedPages } from "../components/list-page.tsx";
import { useRefetchOnChange } from "../components/live.ts";
import { userLabel } from "../components/pickers.tsx";
import { graphql } from "../graphql.ts";
import { OrganizationGuide } from "./organizations.tsx";

const route = getRouteApi("/organizations/$organizationId");

const OrganizationQuery = graphql(`
  query Organization($id: ID!) {
    organization(id: $id) { id name description isMfaRequired customData createdAt branding { logoUrl darkLogoUrl favicon darkFavicon } }
  }
`);

const MembersQuery = graphql(`
  query OrganizationMembers($id: ID!, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
    organization(id: $id) {
      id
      members(search: $search, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { user { id name username primaryEmail mfaEnrolled } roles { id name } permissions } }
      }
    }
  }
`);

const ApplicationsQuery = graphql(`
  query OrganizationApplications($id: ID!, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
    organization(id: $id) {
      id
      applications(search: $search, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { application { id name } roles { id name } permissions } }
      }
    }
  }
`);

const OrganizationChanged = graphql(`
  subscription OrganizationChanged($organizationId: ID!) {
    organizationChanged(organizationId: $organizationId) { id action }
  }
`);

const UpdateOrganization = graphql(`
  mutation UpdateOrganization($input: UpdateOrganizationInput!) {
    updateOrganization(input: $input) { id name description isMfaRequired customData }
  }
`);

const DeleteOrganization = graphql(`
  mutation DeleteOrganization($id: ID!) { deleteOrganization(input: { id: $id }) }
`);

const AddMembers = graphql(`
  mutation AddOrganizationMembers($input: AddOrganizationMembersInput!) {
    addOrganizationMembers(input: $input) { user { id } }
  }
`);

const SetMemberRoles = graphql(`
  mutation SetOrganizationMemberRoles($input: SetOrganizationMemberRolesInput!) {
    setOrganizationMemberRoles(input: $input) { user { id } roles { id name } }
  }
`);

const RemoveMember = graphql(`
  mutation RemoveOrganizationMember($input: RemoveOrganizationMemberInput!) { removeOrganizationMember(input: $input) }
`);

const AddApplications = graphql(`
  mutation AddOrganizationApplications($input: AddOrganizationApplicationsInput!) {
    addOrganizationApplications(input: $input) { application { id } }
  }
`);

const SetApplicationRoles = graphql(`
  mutation SetOrganizationApplicationRoles($input: SetOrganizationApplicationRolesInput!) {
    setOrganizationApplicationRoles(input: $input) { application { id } roles { id name } }
  }
`);

const RemoveApplication = graphql(`
  mutation RemoveOrganizationApplication($input: RemoveOrganizationApplicationInput!) { removeOrganizationApplication(input: $input) }
`);

export function OrganizationPage() {
  const { organizationId } = route.useParams();
  const [{ data, error }, refetch] = useQuery({ query: OrganizationQuery, variables: { id: organizationId } });
  const [tab, setTab] = useState<string | null>("members");
  useRefetchOnChange(OrganizationChanged, { organizationId }, () => refetch({ requestPolicy: "network-only" }));
  const organization = data?.organization;
  if (!organization) return <NotLoaded data={data} error={error} noun="organization" />;
  return (
    <Stack>
      <AnchorLink to="/organizations" size="sm">
        ← Organizations
      </AnchorLink>
      <Group justify="space-between">
        <div>
          <Title order={1}>{organization.name}</Title>
          {organization.description && <Text c="dimmed">{organization.description}</Text>}
          <Text size="xs" c="dimmed">
            Organization id <code>{organization.id}</code>
          </Text>
        </div>
        {organization.isMfaRequired && <Badge size="lg">MFA required</Badge>}
      </Group>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="members">Members</Tabs.Tab>
          <Tabs.Tab value="applications">Machine-to-machine</Tabs.Tab>
          <Tabs.Tab value="invitations">Invitations</Tabs.Tab>
          <Tabs.Tab value="settings">Settings</Tabs.Tab>
          <Tabs.Tab value="guide">Guide</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="members" pt="md">
          <MembersTab organizationId={organization.id} />
        </Tabs.Panel>
        <Tabs.Panel value="applications" pt="md">
          <ApplicationsTab organizationId={organization.id} />
        </Tabs.Panel>
        <Tabs.Panel value="invitations" pt="md">
          <InvitationsTab organizationId={organization.id} />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          <SettingsTab organization={organization} />
          <Stack maw={720} mt="md">
            <BrandingCard organizationId={organization.id} branding={organization.branding} onChange={() => refetch({ requestPolicy: "network-only" })} />
            <JitCard organizationId={organization.id} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="guide" pt="md">
          <OrganizationGuide />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function MembersTab({ organizationId }: { organizationId: string }) {
  const can = useCan();
  const list = useSearchedPages();
  const [{ data, error }, refetch] = useQuery({ query: MembersQuery, variables: { id: organizationId, ...list.variables } });
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnChange(OrganizationChanged, { organizationId }, reload);
  const [addition, add] = useMutation(AddMembers);
  const [update, setRoles] = useMutation(SetMemberRoles);
  const [removal, remove] = useMutation(RemoveMember);
  const done = (result: { data?: unknown }) => {
    if (result.data) reload();
    return Boolean(result.data);
  };
  return (
    <AssignmentList
      subjects={userSubjects}
      label="Members"
      list={list}
      connection={data?.organization?.members}
      error={error ?? removal.error}
      writable={can("organizations:write")}
      who={{
        header: "User",
        cell: (node) => (
          <>
            <AnchorLink to="/users/$userId" params={{ userId: node.user.id }}>
              {userLabel(node.user)}
            </AnchorLink>
            {!node.user.mfaEnrolled && <Text size="xs" c="dimmed">No MFA</Text>}
          </>
        ),
      }}
      assignmentOf={(node) => ({ id: node.user.id, label: userLabel(node.user), roles: node.roles, permissions: node.permissions })}
      add={async (userIds, roleIds) => {
        const result = await add({ input: { organizationId, userIds, roleIds } });
        if (result.data) notifications.show({ message: `${userIds.length} member${userIds.length === 1 ? "" : "s"} added.` });
        return done(result);
      }}
      setRoles={async (userId, roleIds) => done(await setRoles({ input: { organizationId, userId, roleIds } }))}
      remove={(userId) => void remove({ input: { organizationId, userId } }).then(done)}
      saving={[addition, update]}
    />
  );
}

function ApplicationsTab({ organizationId }: { organizationId: string }) {
  const can = useCan();
  const list = useSearchedPages();
  const [{ data, error }, refetch] = useQuery({ query: ApplicationsQuery, variables: { id: organizationId, ...list.variables } });
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnChange(OrganizationChanged, { organizationId }, reload);
  const [addition, add] = useMutation(AddApplications);
  const [update, setRoles] = useMutation(SetApplicationRoles);
  const [removal, remove] = useMutation(RemoveApplication);
  const done = (result: { data?: unknown }) => {
    if (result.data) reload();
    return Boolean(result.data);
  };
  return (
    <Stack>
      <Text size="sm" c="dimmed">Machine-to-machine applications act in this organization with machine-to-machine roles.</Text>
      <AssignmentList
        subjects={applicationSubjects}
        label="Applications"
        list={list}
        connection={data?.organization?.applications}
        error={error ?? removal.error}
        writable={can("organizations:write")}
        who={{
          header: "Application",
          cell: (node) => (
            <AnchorLink to="/applications/$applicationId" params={{ applicationId: node.application.id }}>
              {node.application.name}
            </AnchorLink>
          ),
        }}
        assignmentOf={(node) => ({ id: node.application.id, label: node.application.name, roles: node.roles, permissions: node.permissions })}
        add={async (applicationIds, roleIds) => done(await add({ input: { organizationId, applicationIds, roleIds } }))}
        setRoles={async (applicationId, roleIds) => done(await setRoles({ input: { organizationId, applicationId, roleIds } }))}
        remove={(applicationId) => void remove({ input: { organizationId, applicationId } }).then(done)}
        saving={[addition, update]}
      />
    </Stack>
  );
}

interface OrganizationProfile {
  id: string;
  name: string;
  description: string | null;
  isMfaRequired: boolean;
  customData: Record<string, unknown> | null;
}

function SettingsTab({ organization }: { organization: OrganizationProfile }) {
  const can = useCan();
  const writable = can("organizations:write");
  const [name, setName] = useState(organization.name);
  const [description, setDescription] = useState(organization.description ?? "");
  const [customData, setCustomData] = useState(organization.customData ? JSON.stringify(organization.customData, null, 2) : "");
  const [update, save] = useMutation(UpdateOrganization);
  const [mfaUpdate, saveMfa] = useMutation(UpdateOrganization);
  const [, remove] = useMutation(DeleteOrganization);
  useEffect(() => {
    setName(organization.name);
    setDescription(organization.description ?? "");
  }, [organization.name, organization.description]);
  const parsed = parseJsonObject(customData);
  const submit = async () => {
    if (parsed.error) return;
    const result = await save({ input: { id: organization.id, name, description: description || null, customData: parsed.value ?? null } });
    if (result.data) notifications.show({ message: "Organization saved." });
  };
  return (
    <Stack maw={720}>
      <Card withBorder>
        <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
          <Stack>
            <Title order={2} size="h4">Profile</Title>
            <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} disabled={!writable} />
            <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} disabled={!writable} />
            <JsonObjectField label="Custom data" value={customData} onChange={setCustomData} error={parsed.error} disabled={!writable} />
            <ErrorAlert error={update.error} />
            {writable && (
              <Group justify="flex-end">
                <Button type="submit" loading={update.fetching} disabled={Boolean(parsed.error)}>Save</Button>
              </Group>
            )}
          </Stack>
        </form>
      </Card>
      <Card withBorder>
        <Stack>
          <Title order={2} size="h4">Multi-factor authentication</Title>
          <Switch
            label="Require MFA"
            description="Members without MFA get no token for this organization. An MFA method must be enabled at your identity provider first, or members cannot enroll and lose access."
            checked={organization.isMfaRequired}
            disabled={!writable || mfaUpdate.fetching}
            onChange={(event) => void saveMfa({ input: { id: organization.id, isMfaRequired: event.currentTarget.checked } })}
          />
          <ErrorAlert error={mfaUpdate.error} />
        </Stack>
      </Card>
      {writable && (
        <DeleteCard
          noun="organization"
          name={organization.name}
          intro="Its memberships, role assignments and invitations go with it. This cannot be undone."
          consequence={`Members lose access to ${organization.name} at once. This cannot be undone.`}
          remove={() => remove({ id: organization.id })}
          leaveTo="/organizations"
        />
      )}
    </Stack>
  );
}
