// The console's management token: how it is obtained (a sign-in method), kept, and renewed a
// minute before it expires (or at 80% of a short lifetime). Components read it through
// useSession(); the GraphQL client reads the current token on every request.
import { useSyncExternalStore } from "react";

export interface ManagementToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scopes: string[];
}

export type SessionState =
  | { status: "signing-in" }
  | { status: "signed-in"; token: ManagementToken }
  | { status: "no-access"; reason: string }
  | { status: "signed-out" }
  | { status: "error"; message: string };

/** A way to get a management token (development token path; identity provider + exchange). */
export interface SignInMethod {
  /** Gets a fresh token; throws a SignInError for "no access". */
  obtain(): Promise<ManagementToken>;
  signOut?(): Promise<void>;
}

export class NoAccessError extends Error {}

/** Parses an OAuth token response (`/oauth/token`, `/dev/tokens`). */
export function tokenFromResponse(body: { access_token?: string; expires_in?: number; scope?: string }): ManagementToken {
  if (!body.access_token) throw new Error("The token response holds no access token.");
  return {
    accessToken: body.access_token,
    expiresAt: Date.now() + (body.expires_in ?? 300) * 1000,
    scopes: (body.scope ?? "").split(" ").filter(Boolean),
  };
}

export class Session {
  private state: SessionState = { status: "signing-in" };
  private readonly listeners = new Set<() => void>();
  private renewal: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly method: SignInMethod) {}

  get current(): SessionState {
    return this.state;
  }

  get accessToken(): string | undefined {
    return this.state.status === "signed-in" ? this.state.token.accessToken : undefined;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async signIn(): Promise<void> {
    try {
      const token = await this.method.obtain();
      if (token.scopes.length === 0) throw new NoAccessError("Your account holds no management permissions.");
      this.set({ status: "signed-in", token });
      this.scheduleRenewal(token);
    } catch (error) {
      if (error instanceof NoAccessError) this.set({ status: "no-access", reason: error.message });
      else this.set({ status: "error", message: error instanceof Error ? error.message : String(error) });
    }
  }

  async signOut(): Promise<void> {
    clearTimeout(this.renewal);
    this.set({ status: "signed-out" });
    await this.method.signOut?.();
  }

  private scheduleRenewal(token: ManagementToken) {
    clearTimeout(this.renewal);
    const lifetime = token.expiresAt - Date.now();
    const delay = Math.max(5_000, Math.min(lifetime - 60_000, lifetime * 0.8));
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
