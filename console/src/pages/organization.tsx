// One organization: profile, members and their roles, machine-to-machine applications and their
// roles, require MFA, custom data, deletion. Changes made elsewhere show up live.
import { Badge, Button, Card, Group, Modal, Stack, Switch, Tabs, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { type ReactNode, useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { ErrorAlert, JsonObjectField, parseJsonObject, SearchInput, usePages, useSearch } from "../components/common.tsx";
import { type Column, ConnectionTable } from "../components/list-page.tsx";
import { BrandingCard } from "../components/branding.tsx";
import { InvitationsTab } from "../components/invitations.tsx";
import { JitCard } from "../components/jit.tsx";
import { useRefetchOnChange } from "../components/live.ts";
import { ApplicationPicker, OrganizationRolePicker, UserPicker, userLabel } from "../components/pickers.tsx";
import { graphql } from "../graphql.ts";
import { OrganizationGuide } from "./organizations.tsx";
import { AnchorLink } from "../components/links.tsx";

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
  query OrganizationApplications($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    organization(id: $id) {
      id
      applications(first: $first, after: $after, last: $last, before: $before) {
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
  if (error) return <ErrorAlert error={error} />;
  if (data && !organization) return <ErrorAlert title="Not found" error="This organization does not exist (any more)." />;
  if (!organization) return null;
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

/** Members and applications alike: who, their roles here, the permissions those grant, and what the token may change. */
function assignmentColumns<Node extends { roles: readonly { id: string; name: string }[]; permissions: readonly string[] }>(
  who: Column<Node>,
  actions: false | ((node: Node) => ReactNode),
): Column<Node>[] {
  return [
    who,
    {
      header: "Roles",
      cell: (node) => (
        <Group gap={4}>{node.roles.length ? node.roles.map((role) => <Badge key={role.id} variant="light">{role.name}</Badge>) : <Text size="sm" c="dimmed">No roles</Text>}</Group>
      ),
    },
    { header: "Permissions here", cell: (node) => <Text size="sm">{node.permissions.join(", ")}</Text> },
    { header: null, cell: (node) => actions && actions(node) },
  ];
}

function AssignmentActions({ label, onEdit, onRemove }: { label: string; onEdit: () => void; onRemove: () => void }) {
  return (
    <Group gap="xs" justify="flex-end">
      <Button size="xs" variant="default" aria-label={`Edit roles of ${label}`} onClick={onEdit}>
        Edit roles
      </Button>
      <Button size="xs" variant="subtle" color="red" aria-label={`Remove ${label}`} onClick={onRemove}>
        Remove
      </Button>
    </Group>
  );
}

function MembersTab({ organizationId }: { organizationId: string }) {
  const can = useCan();
  const [search, settledSearch, setSearch] = useSearch();
  const pages = usePages(settledSearch);
  const [{ data, error }, refetch] = useQuery({ query: MembersQuery, variables: { id: organizationId, search: settledSearch || undefined, ...pages.variables } });
  useRefetchOnChange(OrganizationChanged, { organizationId }, () => refetch({ requestPolicy: "network-only" }));
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<{ id: string; label: string; roleIds: string[] } | null>(null);
  const [removal, remove] = useMutation(RemoveMember);
  const members = data?.organization?.members;
  const writable = can("organizations:write");
  return (
    <Stack>
      <Group justify="space-between">
        <SearchInput label="Search members" value={search} onChange={setSearch} />
        {writable && <Button onClick={() => setAdding(true)}>Add members</Button>}
      </Group>
      <ErrorAlert error={error ?? removal.error} />
      <ConnectionTable
        label="Members"
        connection={members}
        rowKey={(node) => node.user.id}
        pages={pages}
        noun="members"
        searching={Boolean(settledSearch)}
        columns={assignmentColumns<NonNullable<typeof members>["edges"][number]["node"]>(
          {
            header: "User",
            cell: (node) => (
              <>
                <AnchorLink to="/users/$userId" params={{ userId: node.user.id }}>
                  {userLabel(node.user)}
                </AnchorLink>
                {!node.user.mfaEnrolled && <Text size="xs" c="dimmed">No MFA</Text>}
              </>
            ),
          },
          writable &&
            ((node) => (
              <AssignmentActions
                label={userLabel(node.user)}
                onEdit={() => setEditing({ id: node.user.id, label: userLabel(node.user), roleIds: node.roles.map((role) => role.id) })}
                onRemove={() => void remove({ input: { organizationId, userId: node.user.id } }).then(() => refetch({ requestPolicy: "network-only" }))}
              />
            )),
        )}
      />
      <AddMembersModal organizationId={organizationId} opened={adding} onClose={() => setAdding(false)} onDone={() => refetch({ requestPolicy: "network-only" })} />
      {editing && <EditMemberRolesModal organizationId={organizationId} member={editing} onClose={() => setEditing(null)} onDone={() => refetch({ requestPolicy: "network-only" })} />}
    </Stack>
  );
}

function AddMembersModal({ organizationId, opened, onClose, onDone }: { organizationId: string; opened: boolean; onClose: () => void; onDone: () => void }) {
  const [userIds, setUserIds] = useState<string[]>([]);
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [{ error, fetching }, add] = useMutation(AddMembers);
  const submit = async () => {
    const result = await add({ input: { organizationId, userIds, roleIds } });
    if (result.data) {
      notifications.show({ message: `${userIds.length} member${userIds.length === 1 ? "" : "s"} added.` });
      setUserIds([]);
      setRoleIds([]);
      onClose();
      onDone();
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Add members" size="lg">
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <UserPicker label="Users" description="Search by name, email or username; choose several." value={userIds} onChange={setUserIds} />
          <OrganizationRolePicker type="USER" label="Roles" description="Every user added gets these roles; none is fine too." value={roleIds} onChange={setRoleIds} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={fetching} disabled={userIds.length === 0}>Add</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditMemberRolesModal({ organizationId, member, onClose, onDone }: { organizationId: string; member: { id: string; label: string; roleIds: string[] }; onClose: () => void; onDone: () => void }) {
  const [roleIds, setRoleIds] = useState(member.roleIds);
  const [{ error, fetching }, save] = useMutation(SetMemberRoles);
  const submit = async () => {
    const result = await save({ input: { organizationId, userId: member.id, roleIds } });
    if (result.data) {
      onClose();
      onDone();
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Roles of ${member.label}`}>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <OrganizationRolePicker type="USER" label="Roles" value={roleIds} onChange={setRoleIds} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={fetching}>Save roles</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ApplicationsTab({ organizationId }: { organizationId: string }) {
  const can = useCan();
  const pages = usePages(organizationId);
  const [{ data, error }, refetch] = useQuery({ query: ApplicationsQuery, variables: { id: organizationId, ...pages.variables } });
  useRefetchOnChange(OrganizationChanged, { organizationId }, () => refetch({ requestPolicy: "network-only" }));
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<{ id: string; label: string; roleIds: string[] } | null>(null);
  const [removal, remove] = useMutation(RemoveApplication);
  const applications = data?.organization?.applications;
  const writable = can("organizations:write");
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">Machine-to-machine applications act in this organization with machine-to-machine roles.</Text>
        {writable && <Button onClick={() => setAdding(true)}>Add applications</Button>}
      </Group>
      <ErrorAlert error={error ?? removal.error} />
      <ConnectionTable
        label="Applications"
        connection={applications}
        rowKey={(node) => node.application.id}
        pages={pages}
        noun="applications"
        columns={assignmentColumns<NonNullable<typeof applications>["edges"][number]["node"]>(
          {
            header: "Application",
            cell: (node) => (
              <AnchorLink to="/applications/$applicationId" params={{ applicationId: node.application.id }}>
                {node.application.name}
              </AnchorLink>
            ),
          },
          writable &&
            ((node) => (
              <AssignmentActions
                label={node.application.name}
                onEdit={() => setEditing({ id: node.application.id, label: node.application.name, roleIds: node.roles.map((role) => role.id) })}
                onRemove={() => void remove({ input: { organizationId, applicationId: node.application.id } }).then(() => refetch({ requestPolicy: "network-only" }))}
              />
            )),
        )}
      />
      <AddApplicationsModal organizationId={organizationId} opened={adding} onClose={() => setAdding(false)} onDone={() => refetch({ requestPolicy: "network-only" })} />
      {editing && <EditApplicationRolesModal organizationId={organizationId} application={editing} onClose={() => setEditing(null)} onDone={() => refetch({ requestPolicy: "network-only" })} />}
    </Stack>
  );
}

function AddApplicationsModal({ organizationId, opened, onClose, onDone }: { organizationId: string; opened: boolean; onClose: () => void; onDone: () => void }) {
  const [applicationIds, setApplicationIds] = useState<string[]>([]);
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [{ error, fetching }, add] = useMutation(AddApplications);
  const submit = async () => {
    const result = await add({ input: { organizationId, applicationIds, roleIds } });
    if (result.data) {
      setApplicationIds([]);
      setRoleIds([]);
      onClose();
      onDone();
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Add applications" size="lg">
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <ApplicationPicker label="Applications" value={applicationIds} onChange={setApplicationIds} />
          <OrganizationRolePicker type="MACHINE_TO_MACHINE" label="Roles" description="Machine-to-machine roles of the template." value={roleIds} onChange={setRoleIds} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={fetching} disabled={applicationIds.length === 0}>Add</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditApplicationRolesModal({ organizationId, application, onClose, onDone }: { organizationId: string; application: { id: string; label: string; roleIds: string[] }; onClose: () => void; onDone: () => void }) {
  const [roleIds, setRoleIds] = useState(application.roleIds);
  const [{ error, fetching }, save] = useMutation(SetApplicationRoles);
  const submit = async () => {
    const result = await save({ input: { organizationId, applicationId: application.id, roleIds } });
    if (result.data) {
      onClose();
      onDone();
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Roles of ${application.label}`}>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <OrganizationRolePicker type="MACHINE_TO_MACHINE" label="Roles" value={roleIds} onChange={setRoleIds} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={fetching}>Save roles</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
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
  const navigate = useNavigate();
  const [name, setName] = useState(organization.name);
  const [description, setDescription] = useState(organization.description ?? "");
  const [customData, setCustomData] = useState(organization.customData ? JSON.stringify(organization.customData, null, 2) : "");
  const [deleting, setDeleting] = useState(false);
  const [update, save] = useMutation(UpdateOrganization);
  const [mfaUpdate, saveMfa] = useMutation(UpdateOrganization);
  const [deletion, remove] = useMutation(DeleteOrganization);
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
        <Card withBorder>
          <Stack align="flex-start">
            <Title order={2} size="h4">Delete organization</Title>
            <Text size="sm">Its memberships, role assignments and invitations go with it. This cannot be undone.</Text>
            <Button color="red" onClick={() => setDeleting(true)}>Delete organization</Button>
          </Stack>
        </Card>
      )}
      <Modal opened={deleting} onClose={() => setDeleting(false)} title={`Delete ${organization.name}?`}>
        <Stack>
          <Text>Members lose access to {organization.name} at once. This cannot be undone.</Text>
          <ErrorAlert error={deletion.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(false)}>Cancel</Button>
            <Button
              color="red"
              loading={deletion.fetching}
              onClick={() =>
                void remove({ id: organization.id }).then(async (result) => {
                  if (!result.data) return;
                  setDeleting(false);
                  notifications.show({ message: `${organization.name} deleted.` });
                  await navigate({ to: "/organizations" });
                })
              }
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
