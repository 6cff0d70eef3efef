// The frame of every page: navigation on the left, the page on the right.
import { AppShell, Button, Group, Text, Title } from "@mantine/core";
import { Outlet, useRouterState } from "@tanstack/react-router";
import { useCan, useSignedIn } from "../auth/context.tsx";
import { NavLinkLink } from "./links.tsx";

const sections = [
  { to: "/organizations", label: "Organizations", scope: "organizations:read" },
  { to: "/organization-template", label: "Organization template", scope: "template:read" },
  { to: "/users", label: "Users", scope: "users:read" },
  { to: "/applications", label: "Applications", scope: "applications:read" },
  { to: "/api-resources", label: "API resources", scope: "resources:read" },
  { to: "/roles", label: "Global roles", scope: "resources:read" },
  { to: "/audit-log", label: "Audit log", scope: "audit:read" },
] as const;

export function Layout() {
  const { session } = useSignedIn();
  const can = useCan();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: "sm" }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={2} size="h4">
            Gatehouse Console
          </Title>
          <Button variant="subtle" onClick={() => void session.signOut()}>
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Sections">
        {sections.filter((section) => can(section.scope)).map((section) => (
          <NavLinkLink
            key={section.to}
            to={section.to}
            label={section.label}
            active={pathname.endsWith(section.to) || pathname.includes(`${section.to}/`)}
          />
        ))}
        <Text size="xs" c="dimmed" mt="auto" p="xs">
          Signed in with a management token
        </Text>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
