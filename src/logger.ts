// Structured JSON logs (pino). Secrets never reach a log line: tokens and credentials are redacted
// wherever a request or a config object is logged.
import { pino, type Logger } from "pino";

export type { Logger } from "pino";

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "gatehouse" },
      redact: {
        paths: ["*.authorization", "*.Authorization", "*.password", "*.clientSecret", "*.client_secret", "*.token"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
