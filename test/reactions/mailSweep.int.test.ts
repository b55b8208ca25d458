import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { replayDeadLetters } from '../../scripts/replay-dlq.js';
import { createSesClient } from '../../shared/aws/ses.js';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { DynamoOutbox } from '../../shared/mail/outbox.js';
import { MailDelivery, outboxOnlyDeadLetter, SesMailer } from '../../shared/mail/sender.js';
import { sweepStaleMails } from '../../shared/mail/sweeper.js';
import type { Clock } from '../../shared/platform/clock.js';
import { ENV, tableEnv } from '../../shared/platform/env.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { startSes, type LocalSes } from './support.js';
import { captureFunctionOutput, lambdaContext, scheduledEvent } from '../support/functionLogs.js';

// The handler's lines are read below: the logger, silent under vitest, is built at INFO.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/**
 * A sender that dies between its claim and SES leaves the mail `sending`: the sweep (the
 * `mailSweep` schedule, and `npm run replay-dlq`) finds it once the lease is over and sends it
 * through the same delivery, exactly once. Real outbox (dynalite) and SES emulator: each mail has
 * its own subject, counted in the emulator's store.
 */
const LEASE_MS = 5 * 60_000;
const MINUTE = 60_000;
let dynamo: LocalDynamo;
let ses: LocalSes;
let outbox: DynamoOutbox;
let now = new Date('2027-03-01T06:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };
const from = { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp-sessions.example' };
let delivery: MailDelivery;

const mail = (name: string): OutgoingMail => ({
  id: `evt-${name}:pv-rejected:centre#ctr_lyon-1`,
  kind: 'pv-rejected',
  causeId: `evt-${name}`,
  to: { key: 'centre#ctr_lyon-1', email: 'centre@example.org', name: 'Centre' },
  subject: `Balayage ${name}`,
  text: 'Bonjour',
  html: '<p>Bonjour</p>',
  attachments: [],
});
const received = async (name: string) => (await ses.emails()).filter((stored) => stored.subject === `Balayage ${name}`).length;
const sweep = () => sweepStaleMails(outbox, delivery, clock, { pageSize: 25, maxItems: 100 });

beforeAll(async () => {
  dynamo = await startDynalite('sweep');
  ses = await startSes();
  outbox = new DynamoOutbox(dynamo.client, dynamo.tables.outbox, { leaseMs: LEASE_MS });
  delivery = new MailDelivery(outbox, new SesMailer(createSesClient({ endpoint: ses.endpoint, maxAttempts: 1 }), from), outboxOnlyDeadLetter, clock);
});
afterAll(async () => {
  await dynamo?.stop();
  await ses?.stop();
});

describe('mails left sending by a sender that died', () => {
  it('given a mail claimed and never marked, and a mail sent, when the sweep runs a minute past the lease, then the stuck mail is sent exactly once and the sent one is not resent; a second sweep sends nothing', async () => {
    now = new Date('2027-03-01T06:00:00.000Z');
    const t0 = now.getTime();
    // The dying sender: it claims, then never reaches SES nor marks the mail.
    expect(await outbox.claim(mail('crash'), now)).toEqual({ outcome: 'claimed', attempts: 1 });
    expect(await delivery.deliver(mail('sent'))).toBe('sent');

    now = new Date(t0 + LEASE_MS + MINUTE);
    const first = await sweep();

    expect(first).toMatchObject({ found: 1, sent: 1, failures: 0, truncated: false });
    expect(await received('crash')).toBe(1);
    expect(await received('sent')).toBe(1);
    expect(await outbox.get(mail('crash').id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect((await outbox.listStaleClaims(now)).entries).toEqual([]);

    now = new Date(t0 + LEASE_MS + 2 * MINUTE);
    const second = await sweep();

    expect(second).toMatchObject({ found: 0, sent: 0 });
    expect(await received('crash')).toBe(1);
    expect(await received('sent')).toBe(1);
  });

  it('given a stale claim taken over by a second sender that died too, when the sweep runs past that second lease, then the mail is sent once', async () => {
    now = new Date('2027-03-01T12:00:00.000Z');
    const t0 = now.getTime();
    await outbox.claim(mail('twice'), now);
    // The takeover (stream redelivery after the lease) claims it again, then dies as well.
    expect(await outbox.claim(mail('twice'), new Date(t0 + LEASE_MS + MINUTE))).toEqual({ outcome: 'claimed', attempts: 2 });

    now = new Date(t0 + LEASE_MS + 2 * MINUTE);
    expect(await sweep()).toMatchObject({ found: 0 });

    now = new Date(t0 + 2 * LEASE_MS + 2 * MINUTE);
    expect(await sweep()).toMatchObject({ found: 1, sent: 1 });
    expect(await received('twice')).toBe(1);
    expect(await outbox.get(mail('twice').id)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('given a sender whose SES call hung past the lease while the sweep took the mail over and sent it, when that late call fails, then the mail stays sent and no replay sends it again', async () => {
    now = new Date('2027-03-01T18:00:00.000Z');
    const t0 = now.getTime();
    let refuse: (error: Error) => void = () => undefined;
    const hung = new Promise<string>((_, reject) => {
      refuse = reject;
    });
    const slowSender = new MailDelivery(outbox, { send: () => hung }, outboxOnlyDeadLetter, clock);
    const late = slowSender.deliver(mail('overrun'));
    await vi.waitFor(async () => expect(await outbox.get(mail('overrun').id)).toMatchObject({ status: 'sending', attempts: 1 }));

    now = new Date(t0 + LEASE_MS + MINUTE);
    expect(await sweep()).toMatchObject({ found: 1, sent: 1 });
    // The hung call ends at last with a refusal SES does not retry (a 400): the first sender would dead-letter.
    refuse(Object.assign(new Error('Message rejected'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } }));

    expect(await late).toBe('already-sent');
    expect(await outbox.get(mail('overrun').id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await replayDeadLetters(outbox, delivery, clock)).toMatchObject({ replayed: 0, sent: 0 });
    expect(await received('overrun')).toBe(1);
  });

  it('given a claim taken a minute ago (its sender still at work), when the sweep runs, then it is left alone', async () => {
    now = new Date('2027-03-02T06:00:00.000Z');
    await outbox.claim(mail('fresh'), now);

    now = new Date(now.getTime() + MINUTE);
    const report = await sweep();

    expect(report).toMatchObject({ found: 0, sent: 0 });
    expect(await received('fresh')).toBe(0);
    expect(await outbox.get(mail('fresh').id)).toMatchObject({ status: 'sending', attempts: 1 });
    // Its sender finishes (so the later tests' sweeps, hours on, do not find it stale).
    await outbox.markSent(mail('fresh').id, 'ses-fresh', now);
  });

  it('given a sent mail whose index entry still says sending (index lag, or an item written before the index), when the sweep runs, then it is never resent', async () => {
    now = new Date('2027-03-03T06:00:00.000Z');
    expect(await delivery.deliver(mail('lagging'))).toBe('sent');
    // The index copy the sweep could read while the table already says sent.
    await dynamo.client.send(
      new PutItemCommand({
        TableName: dynamo.tables.outbox,
        Item: {
          pk: { S: mail('lagging').id },
          status: { S: 'sent' },
          deadKey: { S: 'sending' },
          attempts: { N: '1' },
          claimedAt: { S: now.toISOString() },
          sentAt: { S: now.toISOString() },
          mail: { S: JSON.stringify(mail('lagging')) },
        },
      }),
    );

    now = new Date(now.getTime() + LEASE_MS + MINUTE);
    expect((await outbox.listStaleClaims(now)).entries.map((entry) => entry.mail.id)).not.toContain(mail('lagging').id);
    const report = await sweep();
    expect(report).toMatchObject({ found: 0, sent: 0 });
    expect(await delivery.deliver(mail('lagging'))).toBe('already-sent');
    expect(await received('lagging')).toBe(1);
  });

  it('given a stuck mail and a dead one, when npm run replay-dlq replays, then both go out once, the stuck one reported apart; a second replay sends nothing', async () => {
    now = new Date('2027-03-04T06:00:00.000Z');
    await outbox.claim(mail('replay-stuck'), now);
    await delivery.park(mail('replay-dead'), 'SES refused it');
    now = new Date(now.getTime() + LEASE_MS + MINUTE);

    const first = await replayDeadLetters(outbox, delivery, clock);

    expect(first).toMatchObject({ replayed: 1, sent: 1, stillDead: 0, stuck: { found: 1, sent: 1, failures: 0, truncated: false } });
    expect(await received('replay-stuck')).toBe(1);
    expect(await received('replay-dead')).toBe(1);

    const second = await replayDeadLetters(outbox, delivery, clock);
    expect(second).toMatchObject({ replayed: 0, sent: 0, stillDead: 0, stuck: { found: 0, sent: 0 } });
    expect(await received('replay-stuck')).toBe(1);
  });

  it('given the mailSweep function wired from its environment, when its schedule fires past the lease, then it sends the stuck mail and logs counts only', async () => {
    const claimedAt = new Date(Date.now() - LEASE_MS - MINUTE);
    await outbox.claim(mail('handler'), claimedAt);
    Object.assign(process.env, {
      [tableEnv.outbox]: dynamo.tables.outbox,
      [tableEnv.personalData]: dynamo.tables.personalData,
      [ENV.DYNAMODB_ENDPOINT]: dynamo.endpoint,
      [ENV.SES_ENDPOINT]: ses.endpoint,
      [ENV.MAIL_FROM]: from.email,
      [ENV.STAGE]: 'test',
      [ENV.APP_URL]: 'https://sessions.example',
    });
    const output = captureFunctionOutput();
    try {
      const { handler } = await import('../../functions/mailSweep/handler.js');
      const report = await handler(scheduledEvent('sweep-1'), lambdaContext('mailSweep'));
      expect(report).toMatchObject({ found: 1, sent: 1, failures: 0 });
    } finally {
      output.restore();
    }
    expect(await received('handler')).toBe(1);
    expect(output.json().find((line) => line.message === 'mail sweep')).toMatchObject({ function_name: 'mailSweep', correlation_id: 'sweep-1', sent: 1 });
    expect(output.lines.join('\n')).not.toMatch(/example\.org|ctr_lyon|Balayage/);
  });
});
