// PostgreSQL notifications (LISTEN/NOTIFY) for both backends. PGlite delivers its own NOTIFYs in
// process; on PostgreSQL one dedicated connection per process listens, outside the pool (a pooled
// connection is lent and returned, a listener must stay), and reconnects when it is lost.
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export type NotificationListener = (payload: string) => void;

export interface Notifications {
  /** Calls `listener` with the payload of every NOTIFY on `channel`, from any connection, after its commit. */
  listen(channel: string, listener: NotificationListener): Promise<() => Promise<void>>;
  /**
   * Calls `listener` after the listening connection was lost and is back: notifications sent in
   * between are gone, so caches should reload. Returns a function that stops it.
   */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

export function embeddedNotifications(pglite: PGlite): Notifications {
  return {
    listen: (channel, listener) => pglite.listen(channel, listener),
    // One process, one connection: nothing is ever missed.
    onReconnect: () => () => {},
    close: async () => {},
  };
}

export interface PostgresNotificationsOptions {
  onError: (error: Error) => void;
  /** Delay before reconnecting, doubled after each failure up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

export function postgresNotifications(url: string, options: PostgresNotificationsOptions): Notifications {
  return new PostgresListener(url, options);
}

class PostgresListener implements Notifications {
  private readonly channels = new Map<string, Set<NotificationListener>>();
  private readonly reconnectListeners = new Set<() => void>();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly options: PostgresNotificationsOptions,
  ) {
    this.retryMs = options.retryMs ?? 500;
  }

  async listen(channel: string, listener: NotificationListener): Promise<() => Promise<void>> {
    let listeners = this.channels.get(channel);
    const first = !listeners;
    if (!listeners) {
      listeners = new Set();
      this.channels.set(channel, listeners);
    }
    listeners.add(listener);
    // A connection made from here on LISTENs on every channel it finds; one already made must be told.
    const connected = this.client;
    await this.connection();
    if (first && connected) await connected.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    return async () => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.channels.get(channel) !== listeners) return;
      this.channels.delete(channel);
      await this.client?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    };
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    if (this.closed) throw new Error("notifications are closed");
    const client = new pg.Client({ connectionString: this.url, application_name: "gatehouse-listener" });
    client.on("notification", ({ channel, payload }) => {
      for (const listener of this.channels.get(channel) ?? []) listener(payload ?? "");
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("the listening connection ended")));
    await client.connect();
    for (const channel of this.channels.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    this.client = client;
    return client;
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.options.onError(error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = undefined;
      try {
        await this.connection();
        this.retryMs = this.options.retryMs ?? 500;
        for (const listener of this.reconnectListeners) listener();
      } catch (error) {
        this.options.onError(error instanceof Error ? error : new Error(String(error)));
        this.retryMs = Math.min(this.retryMs * 2, this.options.maxRetryMs ?? 30_000);
        this.scheduleReconnect();
      }
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
