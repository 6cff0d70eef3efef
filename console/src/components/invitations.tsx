// An organization's invitations: invite an email address with roles (the one-time token shown
// once), filter by status, search, revoke, delete.
import { Alert, Badge, Button, NumberInput, SegmentedControl, TextInput } from "@mantine/core";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { graphql } from "../graphql.ts";
import { formatDate, FormDialog } from "./common.tsx";
import { RowActions, SearchableList, useSearchedPages } from "./list-page.tsx";
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

const statuses = ["ALL", "PENDING", "ACCEPTED", "REVOKED", "EXPIRED"] as const;
type Status = (typeof statuses)[number];

export function InvitationsTab({ organizationId }: { organizationId: string }) {
  const writable = useCan()("organizations:write");
  const [status, setStatus] = useState<Status>("ALL");
  const list = useSearchedPages(status);
  const [{ data, error }, refetch] = useQuery({
    query: InvitationsQuery,
    variables: { id: organizationId, ...list.variables, status: status === "ALL" ? undefined : status },
  });
  const [inviting, setInviting] = useState(false);
  const [revocation, revoke] = useMutation(RevokeInvitation);
  const [deletion, remove] = useMutation(DeleteInvitation);
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <>
      <SearchableList
        label="Invitations"
        noun="invitations"
        list={list}
        connection={data?.organization?.invitations}
        error={error ?? revocation.error ?? deletion.error}
        rowKey={(node) => node.id}
        filters={
          <SegmentedControl
            aria-label="Invitation status"
            value={status}
            onChange={(value) => setStatus(value as Status)}
            data={statuses.map((value) => ({ value, label: value === "ALL" ? "All" : value.charAt(0) + value.slice(1).toLowerCase() }))}
          />
        }
        action={writable && <Button onClick={() => setInviting(true)}>Invite</Button>}
        columns={[
          { header: "Invitee", cell: (node) => node.invitee },
          { header: "Status", cell: (node) => <Badge variant="light">{node.status.toLowerCase()}</Badge> },
          { header: "Roles", cell: (node) => node.roles.map((role) => role.name).join(", ") },
          { header: "Expires", cell: (node) => formatDate(node.expiresAt) },
          {
            header: null,
            cell: (node) =>
              writable && (
                <RowActions
                  actions={[
                    ...(node.status === "PENDING"
                      ? [{ label: "Revoke", name: `Revoke invitation of ${node.invitee}`, onClick: () => void revoke({ input: { organizationId, invitationId: node.id } }).then(reload) }]
                      : []),
                    { label: "Delete", name: `Delete invitation of ${node.invitee}`, onClick: () => void remove({ input: { organizationId, invitationId: node.id } }).then(reload), danger: true },
                  ]}
                />
              ),
          },
        ]}
      />
      {inviting && <InviteDialog organizationId={organizationId} onClose={() => setInviting(false)} onDone={reload} />}
    </>
  );
}

function InviteDialog({ organizationId, onClose, onDone }: { organizationId: string; onClose: () => void; onDone: () => void }) {
  const [invitee, setInvitee] = useState("");
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [days, setDays] = useState<number | string>(7);
  const [token, setToken] = useState<string | null>(null);
  const [creation, create] = useMutation(CreateInvitation);
  const submit = async () => {
    const result = await create({ input: { organizationId, invitee, roleIds, expiresInDays: typeof days === "number" ? days : undefined } });
    if (!result.data) return;
    setToken(result.data.createOrganizationInvitation.invitationToken);
    onDone();
  };
  const shownOnce = token && (
    <>
      <Alert color="yellow" title="Send this token in your invitation link now">Gatehouse sends no email, and shows the token only once.</Alert>
      <TextInput label="Invitation token" readOnly value={token} mt="md" />
      <Button mt="md" onClick={onClose}>Done</Button>
    </>
  );
  return (
    <FormDialog title="Invite to the organization" size="lg" onClose={onClose} onSubmit={submit} submitLabel="Invite" progress={creation} done={shownOnce}>
      <TextInput label="Email" type="email" required value={invitee} onChange={(event) => setInvitee(event.currentTarget.value)} data-autofocus />
      <OrganizationRolePicker type="USER" label="Roles" value={roleIds} onChange={setRoleIds} />
      <NumberInput label="Expires in (days)" min={1} max={90} value={days} onChange={setDays} />
    </FormDialog>
  );
}
