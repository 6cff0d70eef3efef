// Entry point: Mantine (theme styles carry the page's CSP nonce), sign-in, then the app.
import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { setNonce } from "get-nonce";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { developmentSignIn } from "./auth/development.ts";
import { Session } from "./auth/session.ts";
import { oidcSignIn } from "./auth/oidc.ts";
import { config, devSecret, styleNonce } from "./config.ts";

function signInMethod() {
  // An identity provider, when configured, wins: development sign-in is the zero-setup default.
  if (config.oidc) return oidcSignIn(config.oidc);
  if (devSecret) return developmentSignIn(devSecret);
  return {
    source: {
      requestToken(): never {
        throw new Error("Sign-in is not configured: set GATEHOUSE_CONSOLE_ISSUER and GATEHOUSE_CONSOLE_CLIENT_ID (see docs/console.md).");
      },
    },
  };
}

// Modals lock scrolling with a <style> element (react-remove-scroll), which takes its nonce from get-nonce.
if (styleNonce) setNonce(styleNonce);

const session = new Session(signInMethod());
void session.signIn();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider defaultColorScheme="light" getStyleNonce={() => styleNonce ?? ""}>
      <Notifications />
      <App session={session} />
    </MantineProvider>
  </StrictMode>,
);
