// Development sign-in: Gatehouse in development mode hands its pages, when requested over loopback,
// the secret of the development token path, and the console asks that path for a management token.
// No client secret is ever in the browser.
import type { SignInMethod } from "./session.ts";

export function developmentSignIn(secret: string): SignInMethod {
  return {
    source: {
      requestToken: () =>
        fetch(new URL("/dev/tokens", window.location.origin), {
          method: "POST",
          headers: { "content-type": "application/json", "x-gatehouse-dev-secret": secret },
          body: JSON.stringify({ kind: "management" }),
        }),
    },
  };
}
