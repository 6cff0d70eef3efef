// One machine-to-machine application: profile, custom data, secret rotation, global roles, its
// organizations and roles there.
import { Button, Card, Group, Modal, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useCan } from "../auth/context.tsx";
import { DeleteCard, ErrorAlert, JsonObjectField, NotLoaded, parseJsonObject } from "../components/common.tsx";
import { AnchorLink } from "../components/links.tsx";
import { GlobalRolesCard, OrganizationsCard } from "../components/memberships.tsx";
import { graphql } from "../graphql.ts";
import { SecretOnce } from "./applications.tsx";

const route = getRouteApi("/applications/$applicationId");

const ApplicationQuery = graphql(`
  query Application($id: ID!) {
    application(id: $id) {
      id name description type customData createdAt
      roles { id name }
    }
  }
`);

const UpdateApplication = graphql(`mutation UpdateApplication($input: UpdateApplicationInput!) { updateApplication(input: $input) { id name description customData } }`);
const RotateSecret = graphql(`mutation RotateApplicationSecret($id: ID!) { rotateApplicationSecret(input: { id: $id }) { clientId clientSecret } }`);
const DeleteApplication = graphql(`mutation DeleteApplication($id: ID!) { deleteApplication(input: { id: $id }) }`);

export function ApplicationPage() {
  const { applicationId } = route.useParams();
  const writable = useCan()("applications:write");
  const [{ data, error }, refetch] = useQuery({ query: ApplicationQuery, variables: { id: applicationId } });
  const [, remove] = useMutation(DeleteApplication);
  const application = data?.application;
  if (!application) return <NotLoaded data={data} error={error} noun="application" />;
  return (
    <Stack maw={860}>
      <AnchorLink to="/applications" size="sm">← Applications</AnchorLink>
      <Title order={1}>{application.name}</Title>
      <Text size="xs" c="dimmed">Client id <code>{application.id}</code></Text>
      <ApplicationProfile key={application.id} application={application} writable={writable} />
      {writable && <SecretRotation applicationId={application.id} />}
      <GlobalRolesCard
        key={`${application.id}-roles`}
        holder={{ kind: "application", id: application.id }}
        roles={application.roles}
        writable={writable}
        description="API permissions the application holds everywhere, in its client-credentials tokens."
        onSaved={() => refetch({ requestPolicy: "network-only" })}
      />
      <OrganizationsCard holder={{ kind: "application", id: application.id }} />
      {writable && (
        <DeleteCard
          noun="application"
          name={application.name}
          consequence="Its organization memberships and roles go with it; its tokens stop being issued."
          remove={() => remove({ id: application.id })}
          leaveTo="/applications"
        />
      )}
    </Stack>
  );
}

function ApplicationProfile({ application, writable }: { application: { id: string; name: string; description: string | null; customData?: Record<string, unknown> | null }; writable: boolean }) {
  const [name, setName] = useState(application.name);
  const [description, setDescription] = useState(application.description ?? "");
  const [customData, setCustomData] = useState(application.customData ? JSON.stringify(application.customData, null, 2) : "");
  const [{ error, fetching }, save] = useMutation(UpdateApplication);
  const parsed = parseJsonObject(customData);
  const submit = async () => {
    if (parsed.error) return;
    const result = await save({ input: { id: application.id, name, description: description || null, customData: parsed.value ?? null } });
    if (result.data) notifications.show({ message: "Application saved." });
  };
  return (
    <Card withBorder>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Stack>
          <Title order={2} size="h4">Profile</Title>
          <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} disabled={!writable} />
          <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} disabled={!writable} />
          <JsonObjectField label="Custom data" value={customData} onChange={setCustomData} error={parsed.error} disabled={!writable} />
          <ErrorAlert error={error} />
          {writable && (
            <Group justify="flex-end">
              <Button type="submit" loading={fetching} disabled={Boolean(parsed.error)}>Save</Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function SecretRotation({ applicationId }: { applicationId: string }) {
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<{ clientId: string; clientSecret: string } | null>(null);
  const [{ error, fetching }, rotate] = useMutation(RotateSecret);
  const close = () => {
    setConfirming(false);
    setSecret(null);
  };
  return (
    <Card withBorder>
      <Stack align="flex-start">
        <Title order={2} size="h4">Client secret</Title>
        <Text size="sm">Rotating replaces the secret; the old one stops working at once.</Text>
        <Button variant="default" onClick={() => setConfirming(true)}>Rotate secret</Button>
      </Stack>
      <Modal opened={confirming} onClose={close} title="Rotate client secret">
        {secret ? <SecretOnce credentials={secret} onDone={close} /> : (
          <Stack>
            <Text>Services using the current secret fail until they get the new one.</Text>
            <ErrorAlert error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>Cancel</Button>
              <Button color="red" loading={fetching} onClick={() => void rotate({ id: applicationId }).then((result) => { if (result.data) setSecret(result.data.rotateApplicationSecret); })}>Rotate</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}
