// A PostgreSQL-protocol proxy that counts the statements clients send, on the wire: each simple
// Query ('Q') and each extended-protocol Execute ('E') is one statement, BEGIN and COMMIT included.
// It sits in front of an untimed instance so the shared server's settings (log_statement,
// pg_stat_statements) never change. Hand-written: it only needs to frame the front-end messages,
// which no maintained package exposes on its own.
import { type AddressInfo, type Socket, createConnection, createServer } from "node:net";

export interface StatementCounter {
  /** The port to connect to instead of the server's. */
  port: number;
  /** Statements sent through the proxy since it started. */
  readonly statements: number;
  /** Resolves once no client message has arrived for `quietMs` (asynchronous writes settled). */
  settled(quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSS_ENCRYPTION_REQUEST = 80877104;

export async function startStatementCounter(target: { host: string; port: number }): Promise<StatementCounter> {
  let statements = 0;
  let lastMessageAt = Date.now();
  const sockets = new Set<Socket>();

  /** Frames the client's byte stream: untyped start-up messages first, then typed messages. */
  function frontEndFramer() {
    let buffer = Buffer.alloc(0);
    let started = false;
    return (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      lastMessageAt = Date.now();
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          // An SSL or GSS request is followed by another start-up message; anything else starts the session.
          if (code !== SSL_REQUEST && code !== GSS_ENCRYPTION_REQUEST) started = true;
          buffer = buffer.subarray(length);
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        const type = String.fromCharCode(buffer[0]!);
        if (type === "Q" || type === "E") statements += 1;
        buffer = buffer.subarray(length + 1);
      }
    };
  }

  const server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    const frame = frontEndFramer();
    client.on("data", (chunk: Buffer) => {
      frame(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get statements() {
      return statements;
    },
    async settled(quietMs = 300) {
      while (Date.now() - lastMessageAt < quietMs) await new Promise((resolve) => setTimeout(resolve, quietMs / 3));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
