// Preloaded into the server by `bench/profile.ts --allocations <file>` (`node --import`): V8's
// sampling heap profiler, counting objects the garbage collector has already freed too, so the
// profile says which functions allocate the most (what the collector then spends its time on),
// not what stays in memory. Written to BENCH_ALLOCATION_PROFILE when the process exits; Chrome
// DevTools opens it (Memory, "Load profile").
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const file = process.env.BENCH_ALLOCATION_PROFILE;
if (file) {
  const session = new Session();
  session.connect();
  session.post("HeapProfiler.startSampling", {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  // An in-process session answers synchronously, so this completes within the exit handler.
  process.on("exit", () => {
    session.post("HeapProfiler.stopSampling", (error, result) => {
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
