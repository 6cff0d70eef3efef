// `dev-server.json` in the data folder: how a local process (the CLI's `token`) finds the running
// development server and proves it may use its development endpoints. Written with mode 0600 once
// the server listens, deleted when it stops; a file left by a crashed server names a port nobody
// answers on, and the CLI then works on its own.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

export const DEVELOPMENT_SERVER_FILE = "dev-server.json";

const developmentServer = z.object({ url: z.string().url(), secret: z.string().min(1) });
export type DevelopmentServer = z.infer<typeof developmentServer>;

/** Writes the file (replacing one a crashed server left) and returns how to delete it again. */
export async function publishDevelopmentServer(dataDir: string, server: DevelopmentServer): Promise<() => Promise<void>> {
  const file = join(dataDir, DEVELOPMENT_SERVER_FILE);
  await mkdir(dataDir, { recursive: true });
  await rm(file, { force: true }); // a new file gets mode 0600; an old one would keep its mode
  await writeFile(file, `${JSON.stringify({ ...server, pid: process.pid }, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  return async () => {
    // Another server may have replaced it meanwhile (two servers on one data folder with PostgreSQL).
    if ((await readDevelopmentServer(dataDir))?.secret === server.secret) await rm(file, { force: true });
  };
}

/** The running development server named in the data folder, if the file is there and readable. */
export async function readDevelopmentServer(dataDir: string): Promise<DevelopmentServer | undefined> {
  if (dataDir.startsWith("memory://")) return undefined;
  const text = await readFile(join(dataDir, DEVELOPMENT_SERVER_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = developmentServer.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
