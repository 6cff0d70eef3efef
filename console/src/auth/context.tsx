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

/** Whether the token holds every one of these management scopes (`organizations:write`, …); `all` grants each. */
export function useCan(): (...scopes: string[]) => boolean {
  const { token } = useSignedIn();
  return (...scopes) => token.scopes.includes("all") || scopes.every((scope) => token.scopes.includes(scope));
}
