// A webhook receiver on 127.0.0.1, as a product would write one: it verifies every request with
// the `standardwebhooks` package and the endpoint's secret, and answers with the status the test
// chooses (2xx by default). It records every request, verified or not.
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    id: string;
    cursor: string | null;
    actor: string;
    organizationId: string | null;
    targetType: string | null;
    targetId: string | null;
    dataVersion: number;
    data: Record<string, unknown>;
  };
}

export interface ReceivedRequest {
  webhookId: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The payload when the signature verified with the current secret; undefined otherwise. */
  verified: WebhookPayload | undefined;
  /** The status the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks`. */
  url: string;
  /** The endpoint's signing secret, to verify with (set it once the endpoint exists). */
  secret: string | undefined;
  /** Chooses the answer to each verified request (default 204); an unverified one gets 400. */
  respond: (request: Omit<ReceivedRequest, "status">) => number | Promise<number>;
  /** Requests received, answered or not. */
  readonly arrived: number;
  readonly requests: ReceivedRequest[];
  /** Verified requests that were answered 2xx: the acknowledged deliveries. */
  acknowledged(): WebhookPayload[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let arrived = 0;
  const receiver: WebhookReceiver = {
    url: "",
    secret: undefined,
    respond: () => 204,
    requests,
    acknowledged: () => requests.filter((request) => request.verified && request.status < 300).map((request) => request.verified!),
    get arrived() {
      return arrived;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer(async (request, response) => {
    arrived++;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const received = { webhookId: String(request.headers["webhook-id"]), headers: request.headers, body, verified: verify(receiver.secret, body, request.headers) };
    const status = received.verified ? await receiver.respond(received) : 400;
    requests.push({ ...received, status });
    response.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

function verify(secret: string | undefined, body: string, headers: IncomingHttpHeaders): WebhookPayload | undefined {
  if (!secret) return undefined;
  try {
    return new Webhook(secret).verify(body, headers as Record<string, string>) as WebhookPayload;
  } catch {
    return undefined;
  }
}
