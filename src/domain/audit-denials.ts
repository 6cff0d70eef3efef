// Refused token requests, counted (README "Audit retention", docs/events.md): every denial is
// recorded, but a flood of them does not write a row each. Denials are grouped by what they share
// — the client named, the source address and the OAuth error — per window
// (GATEHOUSE_AUDIT_DENIAL_WINDOW_SECONDS):
// - the first denial of a group gets its own `token.denied` row at once (`data.count` 1), and its
//   response waits for it, as before;
// - the next ones of the group are counted in memory, and when the window ends one row carries
//   their number (`data.count`, with `firstAt`/`lastAt`); a group that goes on denying stays
//   counted window after window (a row per window), one quiet for a whole window is forgotten.
// So the rows written per window are at most twice the groups, and the groups tracked per window
// are capped (MAX_GROUPS): past the cap, denials are counted in one group per error whose client
// and address are `*`. Summing `data.count` over `token.denied` rows counts every denial. Counts
// are per process and written at the window's end or at shutdown: a crash loses at most one
// window's counts, never a group's first denial. A window of 0 writes a row for every denial.
import type { AuditOnlyEventInput } from "./audit.js";

export type DeniedEvent = AuditOnlyEventInput & { action: "token.denied" };

/** Who a denial came from: the client it named (if any) and the TCP peer's address. */
export interface DenialSource {
  clientId: string | null;
  address: string;
}

/** Groups tracked per window; past it denials fold into one group per error. */
export const MAX_GROUPS = 1000;

interface Group {
  source: DenialSource;
  /** Denials counted since the group's last row. */
  count: number;
  firstAt: Date;
  lastAt: Date;
  /** The latest denial counted: the row's actor, organization and description. */
  latest: DeniedEvent;
}

export class DenialAggregator {
  private readonly groups = new Map<string, Group>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Writes one row; resolves once it is committed. */
    private readonly write: (event: DeniedEvent) => Promise<void>,
    private readonly windowMs: number,
    /** A counted row that could not be written (the database down at the window's end). */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves when the denial is recorded: its own row committed, or counted for the window's row. */
  record(event: DeniedEvent, source: DenialSource): Promise<void> {
    if (this.windowMs === 0) return this.write(withSource(event, source, { count: 1 }));
    const error = event.data.error;
    let key = groupKey(error, source);
    if (!this.groups.has(key) && this.groups.size >= MAX_GROUPS) {
      source = { clientId: "*", address: "*" };
      key = groupKey(error, source);
    }
    const now = new Date();
    const group = this.groups.get(key);
    if (group) {
      if (group.count === 0) group.firstAt = now;
      group.count++;
      group.lastAt = now;
      group.latest = event;
      return Promise.resolve();
    }
    this.groups.set(key, { source, count: 0, firstAt: now, lastAt: now, latest: event });
    this.timer ??= setTimeout(() => void this.endWindow(), this.windowMs).unref();
    return this.write(withSource(event, source, { count: 1 }));
  }

  /** Writes the counts of the window under way (at shutdown). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    this.groups.clear();
  }

  private async endWindow(): Promise<void> {
    this.timer = undefined;
    await this.flush();
    if (this.groups.size > 0) this.timer = setTimeout(() => void this.endWindow(), this.windowMs).unref();
  }

  /** One row per group that counted denials; groups that counted none are forgotten. */
  private async flush(): Promise<void> {
    const rows: DeniedEvent[] = [];
    for (const [key, group] of this.groups) {
      if (group.count === 0) {
        this.groups.delete(key);
        continue;
      }
      rows.push(withSource(group.latest, group.source, { count: group.count, firstAt: group.firstAt.toISOString(), lastAt: group.lastAt.toISOString() }));
      group.count = 0;
    }
    await Promise.all(rows.map((row) => this.write(row).catch(this.onError)));
  }
}

function groupKey(error: string, source: DenialSource): string {
  return JSON.stringify([error, source.clientId, source.address]);
}

function withSource(event: DeniedEvent, source: DenialSource, counted: { count: number; firstAt?: string; lastAt?: string }): DeniedEvent {
  return { ...event, data: { ...event.data, clientId: source.clientId, address: source.address, ...counted } };
}
