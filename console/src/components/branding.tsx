// Organization branding: light and dark logos and favicons, uploaded to Gatehouse's branding
// routes (PNG, JPEG or WebP; the server checks the type by content) or given as URLs.
import { Button, Card, FileButton, Group, Image, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useMutation } from "urql";
import { fetchWithToken } from "@gatehouse/client";
import { useCan, useSignedIn } from "../auth/context.tsx";
import { describeCode } from "../errors.ts";
import { graphql } from "../graphql.ts";
import { ErrorAlert } from "./common.tsx";

export interface Branding {
  logoUrl: string | null;
  darkLogoUrl: string | null;
  favicon: string | null;
  darkFavicon: string | null;
}

const slots = [
  { slot: "logo", field: "logoUrl", label: "Logo" },
  { slot: "darkLogo", field: "darkLogoUrl", label: "Dark logo" },
  { slot: "favicon", field: "favicon", label: "Favicon" },
  { slot: "darkFavicon", field: "darkFavicon", label: "Dark favicon" },
] as const;

const SetBranding = graphql(`
  mutation SetOrganizationBranding($input: UpdateOrganizationInput!) {
    updateOrganization(input: $input) { id branding { logoUrl darkLogoUrl favicon darkFavicon } }
  }
`);

/** The branding routes' refusals ({code, message, details}) in the same words as GraphQL's. */
function refusal(status: number, body: { code?: string; message?: string } | null): string {
  return describeCode(body?.code, body?.message ?? `The upload failed (HTTP ${status}).`);
}

export function BrandingCard({ organizationId, branding, onChange }: { organizationId: string; branding: Branding; onChange: () => void }) {
  const writable = useCan()("organizations:write");
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">Branding</Title>
        <Text size="sm" c="dimmed">
          Shown on sign-in pages that name this organization. Uploaded images get a public, permanent URL; a new upload gets a new one.
        </Text>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {slots.map((slot) => (
            <BrandingSlot key={slot.slot} organizationId={organizationId} slot={slot} url={branding[slot.field]} writable={writable} onChange={onChange} />
          ))}
        </SimpleGrid>
      </Stack>
    </Card>
  );
}

function BrandingSlot({ organizationId, slot, url, writable, onChange }: { organizationId: string; slot: (typeof slots)[number]; url: string | null; writable: boolean; onChange: () => void }) {
  const { session } = useSignedIn();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [link, setLink] = useState("");
  const [linking, setBrandingUrl] = useMutation(SetBranding);
  const route = new URL(`/branding/organizations/${encodeURIComponent(organizationId)}/${slot.slot}`, window.location.origin);
  const send = async (method: "PUT" | "DELETE", body?: File) => {
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetchWithToken(session.tokens, session.request)(route, { method, body: body ?? null });
      if (!response.ok) setError(refusal(response.status, (await response.json().catch(() => null)) as { code?: string; message?: string } | null));
      else onChange();
    } catch (failure) {
      setError(`The server could not be reached: ${failure instanceof Error ? failure.message : String(failure)}`);
    } finally {
      setBusy(false);
    }
  };
  // Only images of this origin show inline: the page's CSP allows no other image origin.
  const sameOrigin = url !== null && new URL(url, window.location.origin).origin === window.location.origin;
  return (
    <Card withBorder padding="sm" aria-label={slot.label} component="section">
      <Stack gap="xs">
        <Text fw={500}>{slot.label}</Text>
        {url ? (
          sameOrigin ? <Image src={url} alt={`${slot.label} of the organization`} h={64} w="auto" fit="contain" /> : <Text size="sm" style={{ wordBreak: "break-all" }}>{url}</Text>
        ) : (
          <Text size="sm" c="dimmed">None</Text>
        )}
        {writable && (
          <>
            <Group gap="xs">
              <FileButton accept="image/png,image/jpeg,image/webp" onChange={(file) => file && void send("PUT", file)}>
                {(props) => <Button {...props} size="xs" variant="default" loading={busy} aria-label={`Upload ${slot.label.toLowerCase()}`}>Upload</Button>}
              </FileButton>
              {url && <Button size="xs" variant="subtle" color="red" disabled={busy} aria-label={`Remove ${slot.label.toLowerCase()}`} onClick={() => void send("DELETE")}>Remove</Button>}
            </Group>
            <form onSubmit={(event) => { event.preventDefault(); void setBrandingUrl({ input: { id: organizationId, branding: { [slot.field]: link } } }).then((result) => { if (result.data) { setLink(""); onChange(); } }); }}>
              <Group gap="xs" align="flex-end">
                <TextInput size="xs" label={`${slot.label} URL`} placeholder="https://…" value={link} onChange={(event) => setLink(event.currentTarget.value)} flex={1} />
                <Button size="xs" type="submit" variant="default" disabled={!link} loading={linking.fetching}>Set URL</Button>
              </Group>
            </form>
            <ErrorAlert error={error ?? linking.error} />
          </>
        )}
      </Stack>
    </Card>
  );
}
