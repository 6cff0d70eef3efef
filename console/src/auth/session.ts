// The console's management token, through @gatehouse/client (the library product frontends use):
// GatehouseTokens caches it, renews it before it expires and shares one request among concurrent
// callers; the sign-in method only says where tokens come from. The session renews the token in
// the background too, so its state (the scopes the pages read) follows the token. Components read
// it through useSessionState(); the GraphQL client and the upload routes ask `tokens` themselves.
import { GatehouseTokenError, GatehouseTokens, type GatehouseTokensOptions, type IssuedToken, type TokenRequest } from "@gatehouse/client";
import { useSyncExternalStore } from "react";
import { config } from "../config.ts";

export type ManagementToken = IssuedToken;

export type SessionState =
  | { status: "signing-in" }
  | { status: "signed-in"; token: ManagementToken }
  | { status: "no-access"; reason: string }
  | { status: "signed-out" }
  | { status: "error"; message: string };

/** A way to get management tokens (development token path; identity provider + token exchange). */
export interface SignInMethod {
  /** Where GatehouseTokens gets tokens. */
  source: Pick<GatehouseTokensOptions, "subjectToken" | "requestToken">;
  /** The "no access" reason for a refusal by Gatehouse, or undefined when the refusal is a failure. */
  noAccess?(refusal: GatehouseTokenError): string | undefined;
  signOut?(): Promise<void>;
}

export class NoAccessError extends Error {}

export class Session {
  /** The console's tokens; the management token is `tokens.token(session.request)`. */
  readonly tokens: GatehouseTokens;
  /** What the console's token is for: Gatehouse's management API. */
  readonly request: TokenRequest = { resource: config.managementResource };
  private state: SessionState = { status: "signing-in" };
  private readonly listeners = new Set<() => void>();
  private renewal: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly method: SignInMethod) {
    this.tokens = new GatehouseTokens({ url: window.location.origin, ...method.source });
  }

  get current(): SessionState {
    return this.state;
  }

  get signedIn(): boolean {
    return this.state.status === "signed-in";
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async signIn(): Promise<void> {
    try {
      const token = await this.tokens.token(this.request);
      if (token.scopes.length === 0) throw new NoAccessError("Your account holds no Gatehouse management permissions.");
      if (this.state.status !== "signed-in" || this.state.token !== token) this.set({ status: "signed-in", token });
      this.scheduleRenewal(token);
    } catch (error) {
      const noAccess = error instanceof NoAccessError ? error.message : error instanceof GatehouseTokenError ? this.method.noAccess?.(error) : undefined;
      if (noAccess) this.set({ status: "no-access", reason: noAccess });
      else this.set({ status: "error", message: error instanceof Error ? error.message : String(error) });
    }
  }

  async signOut(): Promise<void> {
    clearTimeout(this.renewal);
    this.tokens.invalidate();
    this.set({ status: "signed-out" });
    await this.method.signOut?.();
  }

  /**
   * Asks again just after GatehouseTokens considers the token due for renewal (a minute before it
   * expires, or half-way through a short life); a token still fresh comes back from the cache, and
   * the next try waits at least 5 s.
   */
  private scheduleRenewal(token: ManagementToken) {
    clearTimeout(this.renewal);
    const lifetime = token.expiresAt - Date.now();
    const delay = Math.max(5_000, lifetime - Math.min(60_000, lifetime / 2) + 1_000);
    this.renewal = setTimeout(() => void this.signIn(), delay);
  }

  private set(state: SessionState) {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

export function useSessionState(session: Session): SessionState {
  return useSyncExternalStore(session.subscribe, () => session.current);
}
