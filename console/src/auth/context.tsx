// The signed-in session for components: its scopes decide what the console offers.
import { createContext, useContext } from "react";
import type { ManagementToken, Session } from "./session.ts";

export interface SignedIn {
  session: Session;
  token: ManagementToken;
}

export const SessionContext = createContext<SignedIn | null>(null);

export function useSignedIn(): SignedIn {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSignedIn outside a signed-in console");
  return value;
}

/** Management scopes (`organizations:write`, …); `all` grants every one. */
export function useCan(): (scope: string) => boolean {
  const { token } = useSignedIn();
  return (scope) => token.scopes.includes("all") || token.scopes.includes(scope);
}
