// The signed-in shell: sign-in states, the GraphQL client and the router.
import { Alert, Button, Center, Loader, Stack, Text, Title } from "@mantine/core";
import { RouterProvider } from "@tanstack/react-router";
import { useMemo } from "react";
import { Provider } from "urql";
import { SessionContext } from "./auth/context.tsx";
import { type Session, useSessionState } from "./auth/session.ts";
import { createClient } from "./client.ts";
import { router } from "./router.tsx";

export function App({ session }: { session: Session }) {
  const state = useSessionState(session);
  const client = useMemo(() => createClient(session), [session]);
  switch (state.status) {
    case "signing-in":
      return (
        <Center h="100vh">
          <Loader aria-label="Signing in" />
        </Center>
      );
    case "no-access":
      return (
        <Center h="100vh">
          <Stack maw={520}>
            <Title order={1}>No access</Title>
            <Text>{state.reason}</Text>
            <Text>Ask an administrator to give your account a global role with Gatehouse management permissions, then sign in again.</Text>
            <Button onClick={() => void session.signOut()}>Sign out</Button>
          </Stack>
        </Center>
      );
    case "signed-out":
      return (
        <Center h="100vh">
          <Stack>
            <Title order={1}>Signed out</Title>
            <Button onClick={() => void session.signIn()}>Sign in</Button>
          </Stack>
        </Center>
      );
    case "error":
      return (
        <Center h="100vh">
          <Alert color="red" title="Sign-in failed" role="alert" maw={560}>
            {state.message}
          </Alert>
        </Center>
      );
    case "signed-in":
      return (
        <SessionContext.Provider value={{ session, token: state.token }}>
          <Provider value={client}>
            <RouterProvider router={router} />
          </Provider>
        </SessionContext.Provider>
      );
  }
}
