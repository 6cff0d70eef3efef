// Group commit for audit rows written at a high rate (the token endpoint's `token.issued` and
// `token.denied`): the rows recorded in one turn of the event loop, and those recorded while the
// INSERTs in flight run, go together in the next INSERT. Each caller's promise resolves once its
// row is committed (a token is answered only after its audit row is stored: it is never lost), or
// rejects with the error that kept it out. A failed batch is retried row by row, so one bad row
// fails only its own request.
//
// An INSERT starts on the next turn of the event loop (`setImmediate`), not at once: the requests
// whose bodies Node read in the same turn then share it. On PGlite, which runs in this thread, an
// INSERT started at once ran before the next request was even read: every token had an INSERT of
// its own (batches of one at 8 connections; now mostly 8).
//
// How many INSERTs may be in flight at once is the caller's choice. With one, 8 concurrent
// requests on PostgreSQL settled into batches of 7 and 1 taking turns (the eighth row arrives
// while the seven commit, and the seven come back while it commits): half the commits carried one
// row and most requests waited for two commits. With two in flight, a row that arrives while a
// batch commits goes into a commit of its own at once, and PostgreSQL's WAL flush covers
// concurrent commits together. PGlite is one connection: a second INSERT could only wait there.
//
// But on PostgreSQL a statement costs far more than a row (a statement of three token rows 0.4 ms of
// backend CPU, of eight 0.5 ms; docs/performance.md), and with two in flight at 8 connections the
// batches held 2.9 rows on average, a third of them one row. So a second INSERT starts only for
// `minBatchWhileBusy` rows; fewer wait for the INSERT in flight to end (they start then, however
// few). With 3: 4.0 rows per INSERT, backends' CPU per token 0.07–0.09 ms instead of 0.10–0.13, and
// more tokens per second in the same alternating runs (loaded machine).
import type { AuditOnlyEventInput } from "./audit.js";

interface Pending {
  event: AuditOnlyEventInput;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface AuditBatcherOptions {
  /** Rows per INSERT at most. */
  maxBatch?: number;
  /** INSERTs in flight at most. */
  maxInFlight?: number;
  /** Rows needed to start an INSERT while another is in flight (fewer wait for it to end). */
  minBatchWhileBusy?: number;
}

export class AuditBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private startScheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly minBatchWhileBusy: number;

  constructor(
    /** Writes the rows in one statement (`recordAuditOnly`). */
    private readonly write: (events: AuditOnlyEventInput[]) => Promise<void>,
    options: AuditBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 1;
    this.minBatchWhileBusy = options.minBatchWhileBusy ?? 1;
  }

  /** Resolves when the row is committed. */
  record(event: AuditOnlyEventInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.startScheduled) {
        this.startScheduled = true;
        setImmediate(this.startWrites);
      }
    });
  }

  /** Starts an INSERT of the waiting rows for each free place in flight (when enough wait, if one is in flight). */
  private readonly startWrites = (): void => {
    this.startScheduled = false;
    while (this.inFlight < this.maxInFlight && this.queue.length >= (this.inFlight === 0 ? 1 : this.minBatchWhileBusy)) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.writeBatch(batch).finally(() => {
        this.inFlight -= 1;
        this.startWrites();
      });
    }
  };

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
