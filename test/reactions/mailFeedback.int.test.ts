import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOutbox } from '../../shared/mail/outbox.js';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { MailDelivery, SesMailer, outboxOnlyDeadLetter } from '../../shared/mail/sender.js';
import { addressesToSuppress, DynamoSuppressionList } from '../../shared/mail/suppression.js';
import { fixedClock } from '../../shared/platform/clock.js';
import { tableEnv } from '../../shared/platform/env.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';

const ses = mockClient(SESv2Client);
let dynamo: LocalDynamo;
let list: DynamoSuppressionList;
let handlerModule: typeof import('../../functions/mailFeedback/handler.js');

const bounce = (bounceType: string, email: string) => ({
  'detail-type': 'Email Bounced' as const,
  detail: { eventType: 'Bounce', bounce: { bounceType, bouncedRecipients: [{ emailAddress: email }] } },
});

const mail = (id: string, email: string): OutgoingMail => ({
  id,
  kind: 'pv-rejected',
  causeId: 'evt',
  to: { key: 'centre#ctr_x', email, name: 'Centre' },
  subject: 'Procès-verbal rejeté',
  text: 'Bonjour',
  html: '<p>Bonjour</p>',
  attachments: [],
});

const apiEvent = (role: string, address: string) =>
  ({
    rawPath: `/api/adresses-bloquees/${encodeURIComponent(address)}`,
    routeKey: 'DELETE /api/adresses-bloquees/{address}',
    pathParameters: { address: encodeURIComponent(address) },
    headers: { accept: 'application/json' },
    requestContext: {
      requestId: 'r1',
      http: { method: 'DELETE', path: '/' },
      authorizer: { jwt: { claims: { sub: 'u', 'custom:role': role, 'custom:region': '84', 'custom:department': '69' } } },
    },
    isBase64Encoded: false,
  }) as never;

beforeAll(async () => {
  dynamo = await startDynalite('feedback');
  list = new DynamoSuppressionList(dynamo.client, dynamo.tables.personalData);
  Object.assign(process.env, {
    [tableEnv.personalData]: dynamo.tables.personalData,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    STAGE: 'test',
    APP_URL: 'https://sessions.example',
    AUTH_ISSUER: 'https://issuer.test',
    AUTH_AUDIENCE: 'aud',
    AUTH_JWKS_URL: 'https://issuer.test/jwks',
  });
  handlerModule = await import('../../functions/mailFeedback/handler.js');
});
afterAll(() => dynamo.stop());

describe('SES bounces and complaints mark the address', () => {
  it('marks complainers and permanent bounces, never a transient bounce', () => {
    expect(addressesToSuppress({ eventType: 'Bounce', bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'a@x.fr' }] } })).toEqual([]);
    expect(addressesToSuppress({ eventType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'a@x.fr' }] } })).toEqual([
      { email: 'a@x.fr', reason: 'bounce' },
    ]);
    expect(addressesToSuppress({ eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'b@x.fr' }] } })).toEqual([{ email: 'b@x.fr', reason: 'complaint' }]);
  });

  it('given a permanent bounce from SES through EventBridge, when the function runs, then the address is marked (case-insensitively)', async () => {
    expect(await handlerModule.handler(bounce('Permanent', 'Jury.Gone@Example.fr') as never, {} as never)).toBe(1);
    expect(await list.isSuppressed('jury.gone@example.fr')).toBe(true);
    expect(await handlerModule.handler(bounce('Transient', 'busy@example.fr') as never, {} as never)).toBe(0);
    expect(await list.isSuppressed('busy@example.fr')).toBe(false);
  });

  it('given a marked address, when a mail to it is delivered, then SES is not called and the mail is parked dead with the reason', async () => {
    await list.suppress('bounced@example.fr', 'bounce', new Date('2027-01-01T00:00:00Z'));
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
    const outbox = new DynamoOutbox(dynamo.client, dynamo.tables.outbox);
    const delivery = new MailDelivery(
      outbox,
      new SesMailer(new SESv2Client({ region: 'eu-west-3' }), { name: 'TP', email: 'tp@example.org' }),
      outboxOnlyDeadLetter,
      fixedClock('2027-01-02T07:00:00Z'),
      undefined,
      undefined,
      undefined,
      list,
    );
    expect(await delivery.deliver(mail('m-suppressed', 'bounced@example.fr'))).toBe('dead-lettered');
    expect(await delivery.deliver(mail('m-ok', 'fine@example.fr'))).toBe('sent');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect((await outbox.get('m-suppressed'))?.status).toBe('dead');
  });

  it('lets only a regional admin lift a mark', async () => {
    await list.suppress('fixed@example.fr', 'bounce', new Date());
    const asUd = await handlerModule.handler(apiEvent('ud', 'fixed@example.fr'), {} as never);
    expect((asUd as { statusCode: number }).statusCode).toBe(403);
    expect(await list.isSuppressed('fixed@example.fr')).toBe(true);
    const asRegion = await handlerModule.handler(apiEvent('region', 'fixed@example.fr'), {} as never);
    expect((asRegion as { statusCode: number }).statusCode).toBe(200);
    expect(await list.isSuppressed('fixed@example.fr')).toBe(false);
    const again = await handlerModule.handler(apiEvent('region', 'fixed@example.fr'), {} as never);
    expect((again as { statusCode: number }).statusCode).toBe(404);
  });
});
