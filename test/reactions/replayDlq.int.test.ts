import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayDeadLetters } from '../../scripts/replay-dlq.js';
import { createSesClient } from '../../shared/aws/ses.js';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { DynamoOutbox, type OutboxCursor } from '../../shared/mail/outbox.js';
import { MailDelivery, outboxOnlyDeadLetter, SesMailer } from '../../shared/mail/sender.js';
import type { Clock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { startSes, type LocalSes } from './support.js';

/**
 * `npm run replay-dlq` over more dead mails than one page of the `deadLetters` index (100): it
 * follows the index's LastEvaluatedKey to the end. The first 120 mails (by id, the index's order)
 * go to an address SES refuses, so they stay dead where they are; the 15 after them can go. A
 * replay that re-read its first page would meet only refused mails and stop before those.
 * Real outbox (dynalite) and SES emulator; the refusal is a 400 as SES gives for a bad address.
 */
const REFUSED = 120;
const SENDABLE = 15;
let dynamo: LocalDynamo;
let ses: LocalSes;
let outbox: DynamoOutbox;
let delivery: MailDelivery;
const clock: Clock = { now: () => new Date('2027-03-05T06:00:00.000Z') };
const from = { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp-sessions.example' };

const mail = (id: string, email: string): OutgoingMail => ({
  id,
  kind: 'pv-rejected',
  causeId: id.split(':')[0] ?? id,
  to: { key: 'centre#ctr_lyon-1', email, name: 'Centre' },
  subject: `Rejeu ${id}`,
  text: 'Bonjour',
  html: '<p>Bonjour</p>',
  attachments: [],
});
const refused = Array.from({ length: REFUSED }, (_, n) => mail(`evt-a${String(n).padStart(3, '0')}:pv-rejected:centre#ctr_lyon-1`, 'centre@adresse-refusee.example'));
const sendable = Array.from({ length: SENDABLE }, (_, n) => mail(`evt-z${String(n).padStart(3, '0')}:pv-rejected:centre#ctr_lyon-1`, 'centre@example.org'));

beforeAll(async () => {
  dynamo = await startDynalite('replay');
  ses = await startSes();
  outbox = new DynamoOutbox(dynamo.client, dynamo.tables.outbox);
  const sesMailer = new SesMailer(createSesClient({ endpoint: ses.endpoint, maxAttempts: 1 }), from);
  const mailer = {
    send: (outgoing: OutgoingMail) =>
      outgoing.to.email.endsWith('@adresse-refusee.example')
        ? Promise.reject(Object.assign(new Error('Mail address rejected'), { name: 'BadRequestException', $metadata: { httpStatusCode: 400 } }))
        : sesMailer.send(outgoing),
  };
  delivery = new MailDelivery(outbox, mailer, outboxOnlyDeadLetter, clock);
  for (const dead of [...refused, ...sendable]) expect(await delivery.park(dead, 'no address known yet')).toBe('dead-lettered');
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
  await ses?.stop();
});

const sentTimes = async (id: string) => (await ses.emails()).filter((stored) => stored.subject === `Rejeu ${id}`).length;

describe('replay of more dead mails than one page of the index', () => {
  it('given 135 dead mails, the first 120 refused again by SES, when replayed, then every one is tried once, the 15 after them go out once and the 120 are counted still dead; a second replay sends nothing more', async () => {
    const firstPage = await outbox.listDead({ limit: 100 });
    expect(firstPage.entries).toHaveLength(100);
    expect(firstPage.next).toBeDefined();

    const first = await replayDeadLetters(outbox, delivery, clock);

    expect(first).toMatchObject({ replayed: REFUSED + SENDABLE, sent: SENDABLE, alreadySent: 0, inFlight: 0, stillDead: REFUSED });
    for (const { id } of sendable) expect(await sentTimes(id), id).toBe(1);
    expect(await outbox.get(sendable[SENDABLE - 1]?.id ?? '')).toMatchObject({ status: 'sent' });
    expect(await outbox.get(refused[REFUSED - 1]?.id ?? '')).toMatchObject({ status: 'dead', lastError: expect.stringContaining('BadRequestException') });

    const second = await replayDeadLetters(outbox, delivery, clock);

    expect(second).toMatchObject({ replayed: REFUSED, sent: 0, stillDead: REFUSED });
    for (const { id } of sendable) expect(await sentTimes(id), id).toBe(1);
    expect(await ses.emails()).toHaveLength(SENDABLE);
  }, 60_000);

  it('given a cursor from the first page, when the next page is read, then it starts after the first page: the pages together list each dead mail once, in id order', async () => {
    const ids: string[] = [];
    let cursor: OutboxCursor | undefined;
    let pages = 0;
    do {
      const page = await outbox.listDead({ limit: 50, ...(cursor ? { cursor } : {}) });
      ids.push(...page.entries.map((entry) => entry.mail.id));
      cursor = page.next;
      pages += 1;
    } while (cursor);

    expect(pages).toBeGreaterThanOrEqual(3);
    expect(ids).toEqual(refused.map(({ id }) => id));
  });
});
