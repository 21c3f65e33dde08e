/**
 * An onboarding backend's webhook receiver, as an integrator would write one: it verifies every
 * delivery with the `standardwebhooks` library and keeps what arrived. It can be taken down (its
 * port closed: connection refused) and brought back on the same port, or made to answer 500 after
 * taking an event (the answer lost, so the same event comes again).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  webhookId: string;
  type: string;
  data: Record<string, unknown>;
  /** Verified with the endpoint's secret. */
  verified: boolean;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order (duplicates included). */
  received: ReceivedEvent[];
  /** The secret to verify with, once the endpoint is registered. */
  secret: string | undefined;
  /** Answer 500 to the first delivery of each event (after keeping it). */
  failFirstOfEach: boolean;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/kyc-events'): Promise<WebhookReceiver> {
  let server: Server | undefined;
  let port = 0;
  const seen = new Set<string>();
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    secret: undefined,
    failFirstOfEach: false,
    async down() {
      const closing = server;
      server = undefined;
      closing?.closeAllConnections();
      await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
    },
    async up() {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const headers = Object.fromEntries(
            Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
          );
          let verified = false;
          try {
            new Webhook(receiver.secret ?? 'whsec_AAAA').verify(body, headers);
            verified = true;
          } catch {
            verified = false;
          }
          const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
          const webhookId = headers['webhook-id'] ?? '';
          receiver.received.push({ webhookId, type: parsed.type, data: parsed.data, verified, body });
          const first = !seen.has(webhookId);
          seen.add(webhookId);
          response.statusCode = !verified ? 401 : receiver.failFirstOfEach && first ? 500 : 204;
          response.end();
        });
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}${path}`;
    },
    close: () => receiver.down(),
  };
  await receiver.up();
  return receiver;
}
