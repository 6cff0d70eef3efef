// Development sign-in: Gatehouse in development mode hands its pages the secret of the
// development token path (loopback only), and the console asks it for a management token.
// No client secret is ever in the browser.
import { type ManagementToken, type SignInMethod, tokenFromResponse } from "./session.ts";

export function developmentSignIn(secret: string): SignInMethod {
  return {
    async obtain(): Promise<ManagementToken> {
      const response = await fetch(new URL("/dev/tokens", window.location.origin), {
        method: "POST",
        headers: { "content-type": "application/json", "x-gatehouse-dev-secret": secret },
        body: JSON.stringify({ kind: "management" }),
      });
      const body = (await response.json()) as { access_token?: string; expires_in?: number; scope?: string; error?: string; error_description?: string };
      if (!response.ok) throw new Error(`The development token path refused: ${body.error_description ?? body.error ?? response.status}.`);
      return tokenFromResponse(body);
    },
  };
}
