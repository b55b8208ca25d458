import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesClient } from '../../shared/aws/ses.js';
import { isRetryable, SesMailer } from '../../shared/mail/sender.js';

/**
 * A send must not outlive the outbox's lease (shared/mail/outbox.ts): a hung SES call would let
 * another sender take the mail over while the first still waits. The real SDK over HTTP, against a
 * server that takes the request and never answers.
 */
let server: Server;
let endpoint: string;
let received = 0;

beforeAll(async () => {
  server = createServer(() => {
    received += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const mail = {
  id: 'evt-1:pv-rejected:centre#ctr_lyon-1',
  kind: 'pv-rejected',
  causeId: 'evt-1',
  to: { key: 'centre#ctr_lyon-1', email: 'centre@example.org', name: 'Centre' },
  subject: 'Procès-verbal rejeté',
  text: 'Bonjour',
  html: '<p>Bonjour</p>',
  attachments: [],
} as const;

describe('SES calls are bounded in time', () => {
  it('given SES takes the request and never answers, when sending, then the call fails as a retryable TimeoutError after the request timeout', async () => {
    const mailer = new SesMailer(createSesClient({ endpoint, maxAttempts: 1, requestTimeoutMs: 300 }), { name: 'TP', email: 'tp@example.org' });

    const failure = await mailer.send({ ...mail, attachments: [] }).catch((error: unknown) => error);

    expect(received).toBe(1);
    expect(failure).toMatchObject({ name: 'TimeoutError' });
    expect(isRetryable(failure)).toBe(true);
  });

  it('given no timeout asked for, when the SES client is built, then every attempt is bounded at 20 s, well inside the 5-minute lease', async () => {
    const client = createSesClient({ endpoint });
    const handler = client.config.requestHandler as { configProvider?: Promise<{ requestTimeout?: number; throwOnRequestTimeout?: boolean }> };
    expect(await handler.configProvider).toMatchObject({ requestTimeout: 20_000, throwOnRequestTimeout: true });
  });
});
