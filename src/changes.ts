// The change feed of one process. Every committed change is an audit event, and the database
// announces each one (NOTIFY, from a trigger: see the change_notifications migration) to every
// replica, whichever replica made it. Subscriptions read from here; so does the signing-key
// cache, which reloads when any replica creates or rotates a key.
import { Repeater } from "graphql-yoga";
import type { Database } from "./db/index.js";
import { isFeedEvent } from "./domain/events.js";
import type { Logger } from "./logger.js";

export const CHANGES_CHANNEL = "gatehouse_changes";
export const SIGNING_KEYS_CHANNEL = "gatehouse_signing_keys";

/** One committed change: an audit event without its data (the audit log keeps that). */
export interface Change {
  /** The audit event's id. */
  id: string;
  at: Date;
  /** The event's type, from the catalogue (src/domain/events.ts): `organization.user_roles_assigned`, … */
  action: string;
  organizationId: string | null;
  targetType: string | null;
  targetId: string | null;
}

type Listener = (change: Change) => void;

export class ChangeFeed {
  /** Each open subscription's listener, and the function that ends it. */
  private readonly subscriptions = new Map<Listener, () => void>();
  private readonly signingKeyListeners = new Set<() => void>();
  private readonly stops: (() => Promise<void> | void)[] = [];
  private started = 0;

  private constructor(private readonly logger: Logger) {}

  /** Listens on the database's change channels until `close`. */
  static async start(db: Database, logger: Logger): Promise<ChangeFeed> {
    const feed = new ChangeFeed(logger);
    feed.stops.push(await db.notifications.listen(CHANGES_CHANNEL, (payload) => feed.receive(payload)));
    feed.stops.push(await db.notifications.listen(SIGNING_KEYS_CHANNEL, () => feed.signingKeysChanged()));
    // Notifications sent while the listening connection was down are lost: reload what is cached.
    feed.stops.push(db.notifications.onReconnect(() => feed.signingKeysChanged()));
    return feed;
  }

  /** How many subscriptions are open in this process. */
  get subscribers(): number {
    return this.subscriptions.size;
  }

  /** How many subscriptions this process has started, ended ones included. */
  get subscriptionsStarted(): number {
    return this.started;
  }

  /** Calls `listener` whenever any replica changes the signing keys. */
  onSigningKeysChanged(listener: () => void): () => void {
    this.signingKeyListeners.add(listener);
    return () => this.signingKeyListeners.delete(listener);
  }

  /** The changes that match `filter`, from now until the consumer stops or the feed closes. */
  changes(filter: (change: Change) => boolean): AsyncIterableIterator<Change> {
    return new Repeater<Change>(async (push, stop) => {
      const listener: Listener = (change) => {
        if (!filter(change)) return;
        try {
          push(change).catch(() => undefined);
        } catch {
          // Over a thousand changes queued for one consumer: end its stream rather than grow without bound.
          this.logger.warn({ action: change.action }, "a subscriber fell too far behind; ending its stream");
          stop();
        }
      };
      this.subscriptions.set(listener, stop);
      this.started++;
      await stop;
      this.subscriptions.delete(listener);
    });
  }

  /** Ends every open subscription (on shutdown) and stops listening. */
  async close(): Promise<void> {
    for (const stop of this.subscriptions.values()) stop();
    for (const stop of this.stops.splice(0)) await stop();
  }

  private receive(payload: string): void {
    let change: Change;
    try {
      const raw = JSON.parse(payload) as Omit<Change, "at"> & { at: string };
      change = { ...raw, at: new Date(raw.at) };
    } catch (error) {
      this.logger.warn({ err: error, payload }, "unreadable change notification");
      return;
    }
    if (!isFeedEvent(change.action)) return;
    for (const listener of this.subscriptions.keys()) listener(change);
  }

  private signingKeysChanged(): void {
    for (const listener of this.signingKeyListeners) listener();
  }
}
