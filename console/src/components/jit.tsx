// Just-in-time provisioning of an organization: users created from a trusted issuer's token with a
// verified email at one of these domains join it, with these roles.
import { Button, Card, Group, Stack, TagsInput, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { graphql } from "../graphql.ts";
import { ErrorAlert } from "./common.tsx";
import { OrganizationRolePicker } from "./pickers.tsx";

const JitQuery = graphql(`query OrganizationJit($id: ID!) { organization(id: $id) { id jitEmailDomains jitRoles { id name } } }`);
const SetJitDomains = graphql(`mutation SetOrganizationJitEmailDomains($input: OrganizationJitEmailDomainsInput!) { setOrganizationJitEmailDomains(input: $input) { id jitEmailDomains } }`);
const SetJitRoles = graphql(`mutation SetOrganizationJitRoles($input: OrganizationJitRolesInput!) { setOrganizationJitRoles(input: $input) { id jitRoles { id name } } }`);

export function JitCard({ organizationId }: { organizationId: string }) {
  const [{ data, error }] = useQuery({ query: JitQuery, variables: { id: organizationId } });
  const organization = data?.organization;
  if (error) return <ErrorAlert error={error} />;
  if (!organization) return null;
  return <JitForm key={organization.id} organizationId={organizationId} domains={organization.jitEmailDomains ?? []} roleIds={(organization.jitRoles ?? []).map((role) => role.id)} />;
}

function JitForm({ organizationId, domains: initialDomains, roleIds: initialRoles }: { organizationId: string; domains: string[]; roleIds: string[] }) {
  const writable = useCan()("organizations:write");
  const [domains, setDomains] = useState(initialDomains);
  const [roleIds, setRoleIds] = useState(initialRoles);
  const [domainUpdate, saveDomains] = useMutation(SetJitDomains);
  const [roleUpdate, saveRoles] = useMutation(SetJitRoles);
  const submit = async () => {
    const first = await saveDomains({ input: { organizationId, emailDomains: domains } });
    if (!first.data) return;
    const second = await saveRoles({ input: { organizationId, roleIds } });
    if (second.data) notifications.show({ message: "Just-in-time provisioning saved." });
  };
  return (
    <Card withBorder>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <Title order={2} size="h4">Just-in-time provisioning</Title>
          <Text size="sm" c="dimmed">New users from a trusted identity provider whose verified email is at one of these domains join this organization with these roles.</Text>
          <TagsInput label="Email domains" placeholder="example.com, then Enter" value={domains} onChange={setDomains} disabled={!writable} />
          {writable && <OrganizationRolePicker type="USER" label="Just-in-time roles" value={roleIds} onChange={setRoleIds} />}
          <ErrorAlert error={domainUpdate.error ?? roleUpdate.error} />
          {writable && <Group justify="flex-end"><Button type="submit" loading={domainUpdate.fetching || roleUpdate.fetching}>Save</Button></Group>}
        </Stack>
      </form>
    </Card>
  );
}
