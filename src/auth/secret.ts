// The key-encryption secrets: from configuration, or — in development only — generated once and
// kept in the data folder, so `npm start` works with no setup.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config/index.js";
import type { Logger } from "../logger.js";

export async function resolveSecrets(config: Pick<Config, "secrets" | "dataDir" | "mode">, logger: Logger): Promise<string[]> {
  if (config.secrets) return config.secrets;
  if (config.mode === "production") throw new Error("GATEHOUSE_SECRET is required in production");
  if (config.dataDir.startsWith("memory://")) {
    logger.warn("GATEHOUSE_SECRET is not set: using a random secret for this in-memory run only");
    return [randomBytes(32).toString("base64url")];
  }
  const file = join(config.dataDir, "secret");
  const existing = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing?.trim()) {
    logger.warn({ file }, "GATEHOUSE_SECRET is not set: using the development secret kept in the data folder");
    return [existing.trim()];
  }
  await mkdir(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  // `wx`: a concurrent starter that got here first wins, and its secret is the one kept.
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  logger.warn(
    { file },
    "GATEHOUSE_SECRET is not set: generated a development secret in the data folder. Set GATEHOUSE_SECRET in production.",
  );
  return [(await readFile(file, "utf8")).trim()];
}
