// `npm run bench -- start [--rounds 3] [--node <binary>]… [--cli <label>=<path>]…`: how long the built
// server takes to become ready on the embedded database in production mode (`serve`, no demo data),
// from a new data folder and on a restart. Each run is a new process, from spawn to the first
// `/readyz` 200 (polled every 20 ms): the wall time, and the process's CPU time at that moment
// (user + system of every thread, /proc/<pid>/stat, and of the main thread alone), which load on a
// shared machine moves far less than the wall time.
// Rounds interleave every Node binary and build, so they share the machine's conditions.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cpuMsOf, freePort } from "./compare/processes.js";

export interface StartOptions {
  rounds: number;
  /** Node binaries to start the server with (default: the one running this). */
  nodes: string[];
  /** Builds to compare, as label=path of their cli.js (default: dist/cli.js). */
  clis: string[];
}

interface Sample {
  node: string;
  build: string;
  start: "new folder" | "restart";
  cpuMs: number;
  mainMs: number;
  wallMs: number;
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once("exit", resolve));
}

/** One start: spawn, poll /readyz, read the CPU time at the first 200, stop the process. */
async function startOnce(node: string, cli: string, dataDir: string): Promise<{ cpuMs: number; mainMs: number; wallMs: number }> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn(node, [cli, "serve"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      GATEHOUSE_MODE: "production",
      LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      PORT: String(port),
      GATEHOUSE_ISSUER: `http://127.0.0.1:${port}`,
      GATEHOUSE_SECRET: "bench-start-secret-0123456789abcdef0123456789abcdef",
      GATEHOUSE_DATA_DIR: dataDir,
      DATABASE_URL: "",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr!.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}): ${errors}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) {
        const wallMs = performance.now() - began;
        // The main thread's share is the part no other core can take: background threads (V8's
        // WebAssembly compiler, garbage collection, libuv's pool) run beside it on a second core.
        return { cpuMs: cpuMsOf(child.pid!), mainMs: cpuMsOf(child.pid!, child.pid!), wallMs };
      }
      if (performance.now() - began > 120_000) throw new Error(`not ready after 120 s: ${errors}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill("SIGTERM");
    await exited(child);
  }
}

function range(values: number[]): string {
  const s = [...values].sort((a, b) => a - b).map((v) => (v / 1000).toFixed(2));
  return s.length > 1 ? `${s[0]}–${s[s.length - 1]} (median ${s[Math.floor(s.length / 2)]})` : (s[0] ?? "");
}

export async function benchStart(options: StartOptions): Promise<void> {
  const builds = options.clis.map((spec) => {
    const at = spec.indexOf("=");
    return at > 0 ? { label: spec.slice(0, at), cli: resolve(spec.slice(at + 1)) } : { label: spec, cli: resolve(spec) };
  });
  const nodes = options.nodes.map((binary) => ({
    binary,
    version: execFileSync(binary, ["--version"], { encoding: "utf8" }).trim(),
  }));
  const samples: Sample[] = [];
  const loads: number[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const node of nodes) {
      for (const build of builds) {
        const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-bench-start-"));
        try {
          loads.push(loadavg()[0]!);
          const fresh = await startOnce(node.binary, build.cli, dataDir);
          samples.push({ node: node.version, build: build.label, start: "new folder", ...fresh });
          const again = await startOnce(node.binary, build.cli, dataDir);
          samples.push({ node: node.version, build: build.label, start: "restart", ...again });
          console.log(
            `round ${round} ${node.version} ${build.label}: new folder ${fresh.cpuMs} ms CPU (main thread ${fresh.mainMs}) / ${Math.round(fresh.wallMs)} ms wall, ` +
              `restart ${again.cpuMs} ms CPU (${again.mainMs}) / ${Math.round(again.wallMs)} ms wall (load ${loadavg()[0]!.toFixed(2)})`,
          );
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      }
    }
  }
  console.log(`\nstart to ready, embedded, production (${options.rounds} rounds; load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)})`);
  const rows = [];
  for (const node of nodes) {
    for (const build of builds) {
      for (const start of ["new folder", "restart"] as const) {
        const mine = samples.filter((s) => s.node === node.version && s.build === build.label && s.start === start);
        rows.push({ node: node.version, build: build.label, start, "CPU s": range(mine.map((s) => s.cpuMs)), "main thread CPU s": range(mine.map((s) => s.mainMs)), "wall s": range(mine.map((s) => s.wallMs)) });
      }
    }
  }
  console.table(rows);
}
