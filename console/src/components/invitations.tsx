// An organization's invitations: invite an email address with user roles (the one-time token is
// shown once, for the link you send), filter by status, search, revoke, delete.
import { Alert, Badge, Button, Group, Modal, NumberInput, SegmentedControl, Stack, Table, TextInput } from "@mantine/core";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { graphql } from "../graphql.ts";
import { ErrorAlert, formatDate, Pager, SearchInput, usePages, useSearch } from "./common.tsx";
import { OrganizationRolePicker } from "./pickers.tsx";

const InvitationsQuery = graphql(`
  query OrganizationInvitations($id: ID!, $status: InvitationStatus, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
    organization(id: $id) {
      id
      invitations(status: $status, search: $search, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { id invitee status roles { id name } expiresAt createdAt } }
      }
    }
  }
`);

const CreateInvitation = graphql(`
  mutation CreateOrganizationInvitation($input: CreateOrganizationInvitationInput!) {
    createOrganizationInvitation(input: $input) { invitationToken invitation { id } }
  }
`);
const RevokeInvitation = graphql(`mutation RevokeOrganizationInvitation($input: OrganizationInvitationIdInput!) { revokeOrganizationInvitation(input: $input) { id status } }`);
const DeleteInvitation = graphql(`mutation DeleteOrganizationInvitation($input: OrganizationInvitationIdInput!) { deleteOrganizationInvitation(input: $input) }`);

export function InvitationsTab({ organizationId }: { organizationId: string }) {
  const writable = useCan()("organizations:write");
  const [search, settled, setSearch] = useSearch();
  const [status, setStatus] = useState("ALL");
  const pages = usePages(`${settled}|${status}`);
  const [{ data, error }, refetch] = useQuery({
    query: InvitationsQuery,
    variables: { id: organizationId, search: settled || undefined, status: status === "ALL" ? undefined : (status as "PENDING"), ...pages.variables },
  });
  const [inviting, setInviting] = useState(false);
  const [revocation, revoke] = useMutation(RevokeInvitation);
  const [deletion, remove] = useMutation(DeleteInvitation);
  const invitations = data?.organization?.invitations;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <SearchInput label="Search invitations" value={search} onChange={setSearch} />
          <SegmentedControl aria-label="Invitation status" value={status} onChange={setStatus} data={["ALL", "PENDING", "ACCEPTED", "REVOKED", "EXPIRED"].map((value) => ({ value, label: value === "ALL" ? "All" : value.charAt(0) + value.slice(1).toLowerCase() }))} />
        </Group>
        {writable && <Button onClick={() => setInviting(true)}>Invite</Button>}
      </Group>
      <ErrorAlert error={error ?? revocation.error ?? deletion.error} />
      <Table striped aria-label="Invitations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Invitee</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invitations?.edges.map(({ node }) => (
            <Table.Tr key={node.id}>
              <Table.Td>{node.invitee}</Table.Td>
              <Table.Td><Badge variant="light">{node.status.toLowerCase()}</Badge></Table.Td>
              <Table.Td>{node.roles.map((role) => role.name).join(", ")}</Table.Td>
              <Table.Td>{formatDate(node.expiresAt)}</Table.Td>
              <Table.Td>
                {writable && (
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    {node.status === "PENDING" && <Button size="xs" variant="default" aria-label={`Revoke invitation of ${node.invitee}`} onClick={() => void revoke({ input: { organizationId, invitationId: node.id } }).then(reload)}>Revoke</Button>}
                    <Button size="xs" variant="subtle" color="red" aria-label={`Delete invitation of ${node.invitee}`} onClick={() => void remove({ input: { organizationId, invitationId: node.id } }).then(reload)}>Delete</Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager pageInfo={invitations?.pageInfo} totalCount={invitations?.totalCount} pages={pages} noun="invitations" />
      {inviting && <InviteModal organizationId={organizationId} onClose={() => setInviting(false)} onDone={reload} />}
    </Stack>
  );
}

function InviteModal({ organizationId, onClose, onDone }: { organizationId: string; onClose: () => void; onDone: () => void }) {
  const [invitee, setInvitee] = useState("");
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [days, setDays] = useState<number | string>(7);
  const [token, setToken] = useState<string | null>(null);
  const [{ error, fetching }, create] = useMutation(CreateInvitation);
  const submit = async () => {
    const result = await create({ input: { organizationId, invitee, roleIds, expiresInDays: typeof days === "number" ? days : undefined } });
    if (!result.data) return;
    setToken(result.data.createOrganizationInvitation.invitationToken);
    onDone();
  };
  return (
    <Modal opened onClose={onClose} title="Invite to the organization" size="lg">
      {token ? (
        <Stack>
          <Alert color="yellow" title="Send this token in your invitation link now">Gatehouse sends no email, and shows the token only once.</Alert>
          <TextInput label="Invitation token" readOnly value={token} />
          <Group justify="flex-end"><Button onClick={onClose}>Done</Button></Group>
        </Stack>
      ) : (
        <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
          <Stack>
            <TextInput label="Email" type="email" required value={invitee} onChange={(event) => setInvitee(event.currentTarget.value)} data-autofocus />
            <OrganizationRolePicker type="USER" label="Roles" value={roleIds} onChange={setRoleIds} />
            <NumberInput label="Expires in (days)" min={1} max={90} value={days} onChange={setDays} />
            <ErrorAlert error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>Cancel</Button>
              <Button type="submit" loading={fetching}>Invite</Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
