// The benchmarked servers as separate processes: started, awaited until ready, measured (memory
// from /proc/<pid>/status) and stopped.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";

export interface Service {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** Resident memory now and at its peak (VmRSS, VmHWM), in MB. */
  memory(): { rssMb: number; peakMb: number };
  /** CPU time the process has used so far (user + system, /proc/<pid>/stat), in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the child binds it; nothing else here takes ports). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function statusMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Math.round(Number(line?.replace(/\D+/g, "") ?? 0) / 1024);
}

/**
 * utime + stime in ms (the kernel counts in ticks of 1/100 s on Linux): of the whole process, or
 * with `thread`, of that thread alone (/proc/<pid>/task/<tid>/stat).
 */
export function cpuMsOf(pid: number, thread?: number): number {
  const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at the state, field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts `node <args>` with `env` on top of this process's environment and waits until `ready(url)`
 * is true (polled; start-up on a loaded machine may take a while).
 */
export async function startService(options: {
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  ready: (url: string) => Promise<boolean>;
  timeoutMs?: number;
}): Promise<Service> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(process.execPath, options.args, {
    env: { ...process.env, ...options.env, PORT: String(options.port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // BENCH_SERVER_OUTPUT: a file that gets everything the servers print (e.g. with
  // BENCH_SERVER_NODE_OPTIONS=--trace-gc, the heap after each collection).
  const file = process.env.BENCH_SERVER_OUTPUT;
  const keep = (chunk: Buffer) => {
    if (file) appendFileSync(file, chunk);
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited (${child.exitCode}):\n${output}`);
    if (await options.ready(url).catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} not ready in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid!;
  let stopping = false;
  // A server that dies under load must say so (its requests then count as errors in the table).
  child.once("exit", (code, signal) => {
    if (!stopping) console.error(`${options.name} exited during the run (${code ?? signal}):\n${output}`);
  });
  return {
    name: options.name,
    url,
    pid,
    memory: () =>
      child.exitCode === null && child.signalCode === null
        ? { rssMb: statusMb(pid, "VmRSS"), peakMb: statusMb(pid, "VmHWM") }
        : { rssMb: Number.NaN, peakMb: Number.NaN },
    cpuMs: () => cpuMsOf(pid),
    async stop() {
      stopping = true;
      child.kill("SIGTERM");
      if (!(await exited(child, 15_000))) {
        child.kill("SIGKILL");
        await exited(child, 5_000);
      }
    },
  };
}
