// Runs the `gatehouse` CLI (and the repository's scripts) as a separate process, the way an operator does.
import { type ChildProcess, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cliArgs = ["--import", "tsx", "src/cli.ts"];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment for the CLI: only what the test gives, plus PATH and HOME. No embedded database
 * template unless the test gives one: what a new data folder holds must not depend on whether
 * `npm run build` wrote `embedded-template/` in this checkout.
 */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: "info",
    GATEHOUSE_EMBEDDED_TEMPLATE: join(tmpdir(), "gatehouse-no-embedded-template"),
    ...env,
  };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runNode([...cliArgs, ...args], env);
}

/** Runs one of the repository's TypeScript scripts (`scripts/…`), as `npm run` does. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runNode(["--import", "tsx", script, ...args], env);
}

function runNode(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: cliEnv(env) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Every log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** Every line of standard output that is not a log line (the development banner). */
  text: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `gatehouse serve` on a free port and resolves once it listens, or with `until`, once a line
 * of its banner matches. `cli` runs another entry than src/cli.ts (a built bundle's cli.js).
 */
export function serve(env: Record<string, string>, args: string[] = [], until?: RegExp, cli: string[] = cliArgs): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...cli, "serve", "--port", "0", ...args], { cwd: root, env: cliEnv(env) });
  const logs: Record<string, unknown>[] = [];
  const text: string[] = [];
  const ready = (url: string): ServeProcess => ({
    child,
    url,
    logs,
    text,
    stop() {
      child.kill("SIGTERM");
      return exited;
    },
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return new Promise((resolve, reject) => {
    let buffered = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("{")) {
          text.push(line);
          if (until?.test(line)) resolve(ready(String(logs.find((entry) => entry.msg === "Gatehouse is listening")?.url)));
          continue;
        }
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === "Gatehouse is listening" && !until) resolve(ready(entry.url as string));
      }
    });
    exited.then((code) => reject(new Error(`gatehouse serve exited with ${code}: ${stderr}`)));
  });
}
