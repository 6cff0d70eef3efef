// The group commit of audit-only rows: rows recorded in the same turn of the event loop, or while
// INSERTs are in flight, go together in the next one, at most `maxInFlight` INSERTs at once, and
// each caller waits for its own row.
import { describe, expect, it } from "vitest";
import type { AuditOnlyEventInput } from "../../src/domain/audit.js";
import { AuditBatcher } from "../../src/domain/audit-batch.js";

const event = (actor: string): AuditOnlyEventInput => ({
  actor,
  action: "token.issued",
  data: { grantType: "client_credentials", audience: "https://api.test", scope: [], clientId: actor },
});

/** A writer whose INSERTs finish only when the test says so. */
function heldWrites() {
  const writes: { actors: string[]; finish: (error?: Error) => void }[] = [];
  const write = (events: AuditOnlyEventInput[]) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ actors: events.map((e) => e.actor), finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { writes, write };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("AuditBatcher", () => {
  it("puts the rows of one turn of the event loop in one INSERT", async () => {
    const { writes, write } = heldWrites();
    const batcher = new AuditBatcher(write);
    for (const actor of ["a", "b", "c"]) void batcher.record(event(actor));
    expect(writes).toEqual([]);
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["a", "b", "c"]]);
  });

  it("with one INSERT in flight, puts the rows that arrive meanwhile in the next one", async () => {
    const { writes, write } = heldWrites();
    const batcher = new AuditBatcher(write);
    const done: string[] = [];
    const record = (actor: string) => batcher.record(event(actor)).then(() => done.push(actor));
    void record("a");
    await settled();
    void record("b");
    void record("c");
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["a"]]);
    writes[0]!.finish();
    await settled();
    expect(done).toEqual(["a"]);
    expect(writes.map((w) => w.actors)).toEqual([["a"], ["b", "c"]]);
    writes[1]!.finish();
    await settled();
    expect(done).toEqual(["a", "b", "c"]);
  });

  it("with two in flight, starts a second INSERT at once and batches behind both", async () => {
    const { writes, write } = heldWrites();
    const batcher = new AuditBatcher(write, { maxInFlight: 2 });
    for (const actor of ["a", "b", "c", "d"]) {
      void batcher.record(event(actor));
      await settled();
    }
    expect(writes.map((w) => w.actors)).toEqual([["a"], ["b"]]);
    writes[1]!.finish();
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["a"], ["b"], ["c", "d"]]);
  });

  it("with minBatchWhileBusy, starts a second INSERT only for that many rows; fewer wait for the one in flight", async () => {
    const { writes, write } = heldWrites();
    const batcher = new AuditBatcher(write, { maxInFlight: 2, minBatchWhileBusy: 3 });
    const done: string[] = [];
    const record = (actor: string) => batcher.record(event(actor)).then(() => done.push(actor));
    void record("a");
    await settled();
    void record("b");
    void record("c");
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["a"]]);
    void record("d");
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["a"], ["b", "c", "d"]]);
    void record("e");
    await settled();
    writes[0]!.finish();
    await settled();
    // One still in flight: "e" alone waits for it, then goes however few.
    expect(writes.map((w) => w.actors)).toEqual([["a"], ["b", "c", "d"]]);
    writes[1]!.finish();
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["a"], ["b", "c", "d"], ["e"]]);
    writes[2]!.finish();
    await settled();
    expect(done).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("retries a failed batch row by row: only the bad row's caller sees the error", async () => {
    const { writes, write } = heldWrites();
    const batcher = new AuditBatcher(write);
    const outcomes = new Map<string, string>();
    const record = (actor: string) =>
      batcher.record(event(actor)).then(
        () => outcomes.set(actor, "stored"),
        (error: Error) => outcomes.set(actor, error.message),
      );
    void record("first");
    await settled();
    void record("good");
    void record("bad");
    writes[0]!.finish();
    await settled();
    writes[1]!.finish(new Error("batch failed"));
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["first"], ["good", "bad"], ["good"]]);
    writes[2]!.finish();
    await settled();
    writes[3]!.finish(new Error("bad row"));
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["first"], ["good", "bad"], ["good"], ["bad"]]);
    expect(Object.fromEntries(outcomes)).toEqual({ first: "stored", good: "stored", bad: "bad row" });
  });

  it("never puts more than maxBatch rows in one INSERT", async () => {
    const { writes, write } = heldWrites();
    const batcher = new AuditBatcher(write, { maxBatch: 2 });
    void batcher.record(event("a"));
    await settled();
    for (const actor of ["b", "c", "d", "e"]) void batcher.record(event(actor));
    writes[0]!.finish();
    await settled();
    writes[1]!.finish();
    await settled();
    expect(writes.map((w) => w.actors)).toEqual([["a"], ["b", "c"], ["d", "e"]]);
  });
});
