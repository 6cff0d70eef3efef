// Group commit for audit rows written at a high rate (the token endpoint's `token.issued` and
// `token.denied`): while one INSERT is in flight, the rows of the requests that arrive meanwhile
// wait, then go in together in the next one. Each caller's promise resolves once its row is
// committed (a token is answered only after its audit row is stored: it is never lost), or rejects
// with the error that kept it out. A failed batch is retried row by row, so one bad row fails only
// its own request.
import type { AuditOnlyEventInput } from "./audit.js";

interface Pending {
  event: AuditOnlyEventInput;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class AuditBatcher {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    /** Writes the rows in one statement (`recordAuditOnly`). */
    private readonly write: (events: AuditOnlyEventInput[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves when the row is committed. */
  record(event: AuditOnlyEventInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.writeBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      await this.write(batch.map((pending) => pending.event));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const pending of batch) await this.writeBatch([pending]);
    }
  }
}
