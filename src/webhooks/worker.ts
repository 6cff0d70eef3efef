// The webhook delivery worker of one process (docs/webhooks.md). It wakes when a committed change
// wrote outbox rows (NOTIFY, from any replica), when a retry falls due, and at least every poll
// interval; claims due deliveries (src/domain/webhooks/outbox.ts), signs each with the Standard
// Webhooks scheme and POSTs it outside any transaction — the embedded database has a single
// connection, which a transaction held across an HTTP call would block — then records the result.
import { randomUUID } from "node:crypto";
import { Counter, Gauge, type Registry } from "prom-client";
import { Webhook } from "standardwebhooks";
import { cursorOf } from "../changes.js";
import type { WebhookConfig } from "../config/index.js";
import type { Database, PrismaClient } from "../db/index.js";
import { type AddressPolicy, addressPolicy } from "../domain/webhooks/addresses.js";
import type { SecretSealer } from "../domain/webhooks/endpoints.js";
import {
  type DeliveryJob,
  WEBHOOKS_CHANNEL,
  claimDueDeliveries,
  nextDueInMs,
  purgeDeliveries,
  queueStats,
  recordDelivered,
  recordFailure,
  releaseDeliveries,
} from "../domain/webhooks/outbox.js";
import type { Logger } from "../logger.js";
import { version } from "../version.js";
import { type SendResult, sendWebhook } from "./send.js";

/** Deliveries one process attempts at once. */
const CONCURRENCY = 16;
/** The shortest sleep between two looks at the outbox. */
const MIN_SLEEP_MS = 10;
/** How often old deliveries are purged. */
const RETENTION_INTERVAL_MS = 10 * 60_000;

/** The Standard Webhooks message: `webhook-id` (the same on every attempt), the payload, signed. */
export function webhookMessage(job: Pick<DeliveryJob, "event">): { id: string; payload: string } {
  const { event } = job;
  const payload = JSON.stringify({
    type: event.action,
    timestamp: event.at.toISOString(),
    data: {
      id: event.id.toString(),
      // Where this event is in the change feed: `changes(after: cursor)` catches up from here.
      cursor: event.feedPosition === null ? null : cursorOf(event.feedPosition),
      actor: event.actor,
      organizationId: event.organizationId,
      targetType: event.targetType,
      targetId: event.targetId,
      dataVersion: event.dataVersion,
      data: event.data,
    },
  });
  return { id: `msg_${event.id}`, payload };
}

/** Exponential backoff with jitter: base × 2^(attempt−1), capped, minus up to half of it at random. */
export function retryDelayMs(attempts: number, config: Pick<WebhookConfig, "retryBaseMs" | "retryMaxMs">): number {
  const exponential = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** Math.min(attempts - 1, 40));
  return Math.round(exponential * (1 - Math.random() / 2));
}

export class WebhookWorker {
  private readonly policy: AddressPolicy;
  /** The background client: the worker's statements are not counted as requests' (`Database.onQuery`). */
  private readonly prisma: PrismaClient;
  private readonly inFlight = new Map<bigint, { job: DeliveryJob; done: Promise<void> }>();
  private readonly stopping = new AbortController();
  private readonly stops: (() => Promise<void> | void)[] = [];
  private readonly outcomes: Counter<"outcome" | "error">;
  private pumping: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private lastPurge = 0;

  private constructor(
    db: Database,
    private readonly config: WebhookConfig,
    private readonly sealer: SecretSealer,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.policy = addressPolicy(config.allowedNetworks);
    this.prisma = db.background;
    this.outcomes = new Counter({
      name: "gatehouse_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome (`delivered`, `retrying`, `failed`: no attempts left) and error (`none`, `status`, `timeout`, `network`, `address_refused`).",
      labelNames: ["outcome", "error"] as const,
      registers: [registry],
    });
    const stats = () => queueStats(this.prisma);
    new Gauge({
      name: "gatehouse_webhook_queue_depth",
      help: "Pending webhook deliveries (all replicas share the queue: every replica reports it).",
      registers: [registry],
      async collect() {
        // The database unreachable: the gauge keeps its last value rather than failing /metrics.
        const current = await stats().catch(() => undefined);
        if (current) this.set(current.depth);
      },
    });
    new Gauge({
      name: "gatehouse_webhook_oldest_pending_seconds",
      help: "Age of the oldest pending webhook delivery, in seconds (0 when none).",
      registers: [registry],
      async collect() {
        const current = await stats().catch(() => undefined);
        if (current) this.set(current.oldestPendingSeconds);
      },
    });
  }

  /**
   * Registers the metrics, and — when this process delivers (GATEHOUSE_WEBHOOK_WORKER) — listens
   * for new deliveries and starts delivering.
   */
  static async start(options: { db: Database; config: WebhookConfig; sealer: SecretSealer; logger: Logger; registry: Registry }): Promise<WebhookWorker> {
    const worker = new WebhookWorker(options.db, options.config, options.sealer, options.logger, options.registry);
    if (!options.config.worker) return worker;
    const wake = () => worker.wake();
    worker.stops.push(await options.db.notifications.listen(WEBHOOKS_CHANNEL, wake));
    // A NOTIFY sent while the listening connection was down is lost: look at the table.
    worker.stops.push(options.db.notifications.onReconnect(wake));
    worker.wake();
    return worker;
  }

  /** Looks for due deliveries now. */
  wake(): void {
    if (this.stopping.signal.aborted || !this.config.worker) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.pumping = this.pump()
      .catch((error: unknown) => this.logger.warn({ err: error }, "webhook delivery worker: looking for due deliveries failed"))
      .finally(() => {
        this.pumping = undefined;
        if (this.again) this.wake();
        else void this.sleep();
      });
  }

  /** Deletes deliveries older than the retention period; returns how many. */
  async purge(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.retentionHours * 3_600_000);
    return purgeDeliveries(this.prisma, before);
  }

  /** Stops claiming, aborts the attempts under way and gives their deliveries back. */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    for (const stop of this.stops.splice(0)) await stop();
    await this.pumping;
    await Promise.all([...this.inFlight.values()].map((entry) => entry.done));
  }

  private async pump(): Promise<void> {
    this.again = false;
    await this.purgeWhenDue();
    while (!this.stopping.signal.aborted && this.inFlight.size < CONCURRENCY) {
      const jobs = await claimDueDeliveries(this.prisma, {
        limit: CONCURRENCY - this.inFlight.size,
        leaseMs: this.leaseMs(),
        claim: randomUUID(),
      });
      if (this.stopping.signal.aborted) {
        await releaseDeliveries(this.prisma, jobs);
        return;
      }
      for (const job of jobs) this.start(job);
      if (jobs.length === 0) return;
    }
  }

  private start(job: DeliveryJob): void {
    const done = this.attempt(job)
      .catch((error: unknown) => this.logger.error({ err: error, delivery: job.id.toString() }, "webhook delivery: recording the attempt failed"))
      .finally(() => {
        this.inFlight.delete(job.id);
        // A slot is free: take the next due delivery.
        this.wake();
      });
    this.inFlight.set(job.id, { job, done });
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    const { id, payload } = webhookMessage(job);
    const timestamp = new Date();
    const signature = new Webhook(await this.sealer.decrypt(job.secretEncrypted)).sign(id, timestamp, payload);
    const result = await sendWebhook({
      url: job.url,
      headers: {
        "content-type": "application/json",
        "user-agent": `Gatehouse-Webhooks/${version}`,
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: payload,
      timeoutMs: this.config.timeoutMs,
      policy: this.policy,
      signal: this.stopping.signal,
    });
    if (this.stopping.signal.aborted && !result.ok) {
      await releaseDeliveries(this.prisma, [job]);
      return;
    }
    await this.record(job, result);
  }

  private async record(job: DeliveryJob, result: SendResult): Promise<void> {
    if (result.ok) {
      if (await recordDelivered(this.prisma, job, result.statusCode)) this.outcomes.inc({ outcome: "delivered", error: "none" });
      return;
    }
    const retryAt = job.attempts < this.config.maxAttempts ? new Date(Date.now() + retryDelayMs(job.attempts, this.config)) : null;
    const { outcome, disabled } = await recordFailure(this.prisma, job, {
      statusCode: result.statusCode,
      error: result.error,
      retryAt,
      disableAfter: this.config.disableAfter,
    });
    if (outcome !== "lost") this.outcomes.inc({ outcome, error: result.kind });
    const log = { delivery: job.id.toString(), endpoint: job.endpointId, attempts: job.attempts, error: result.error };
    if (disabled) this.logger.warn(log, "webhook endpoint disabled after repeated failed deliveries");
    else this.logger.debug({ ...log, outcome }, "webhook delivery attempt failed");
  }

  /** A claimed row is due again after the attempt's deadline and a margin for recording it. */
  private leaseMs(): number {
    return this.config.timeoutMs + 30_000;
  }

  private async sleep(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    let delay = this.config.pollMs;
    try {
      const due = await nextDueInMs(this.prisma);
      // A few milliseconds past due, and never a busy loop over a row another replica is claiming.
      if (due !== null) delay = Math.min(delay, Math.max(MIN_SLEEP_MS, due + 5));
    } catch (error) {
      this.logger.warn({ err: error }, "webhook delivery worker: reading the next due delivery failed");
    }
    if (this.stopping.signal.aborted || this.pumping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private async purgeWhenDue(): Promise<void> {
    if (Date.now() - this.lastPurge < RETENTION_INTERVAL_MS) return;
    this.lastPurge = Date.now();
    const purged = await this.purge();
    if (purged > 0) this.logger.info({ purged, retentionHours: this.config.retentionHours }, "webhook deliveries past retention deleted");
  }
}
