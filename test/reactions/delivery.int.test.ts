import { SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoOutbox } from '../../shared/mail/outbox.js';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { MailDelivery, SesMailer } from '../../shared/mail/sender.js';
import { retryQueueOf } from '../../shared/mail/retryQueueWiring.js';
import { fixedClock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';

/** SES faults injected with aws-sdk-client-mock; the outbox is real (dynalite). */
const ses = mockClient(SESv2Client);
const sqs = mockClient(SQSClient);
let dynamo: LocalDynamo;
let outbox: DynamoOutbox;
const clock = fixedClock('2027-03-01T06:00:00Z');
const sleeps: number[] = [];

const mail = (id: string): OutgoingMail => ({
  id,
  kind: 'pv-rejected',
  causeId: id.split(':')[0] ?? id,
  to: { key: 'centre#ctr_lyon-1', email: 'centre@example.org', name: 'Centre' },
  subject: 'Procès-verbal rejeté',
  text: 'Bonjour',
  html: '<p>Bonjour</p>',
  attachments: [],
});

const delivery = () =>
  new MailDelivery(
    outbox,
    new SesMailer(new SESv2Client({ region: 'eu-west-3' }), { name: 'TP', email: 'tp@example.org' }),
    // As the functions wire it: the SQS client loads with the first mail put on the queue.
    retryQueueOf({ mailRetryQueueUrl: 'https://sqs.eu-west-3.amazonaws.com/1/mail-dlq', endpoints: {} }),
    clock,
    { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 },
    (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    () => 1,
  );

const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
const serverError = () => Object.assign(new Error('Internal failure'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });

beforeAll(async () => {
  dynamo = await startDynalite('delivery');
  outbox = new DynamoOutbox(dynamo.client, dynamo.tables.outbox);
});
afterAll(() => dynamo.stop());
beforeEach(() => {
  ses.reset();
  sqs.reset();
  sleeps.length = 0;
});

describe('mail delivery', () => {
  it('given a recipient with no known address, when parking the mail, then it is recorded dead in the outbox and not put on the retry queue (a retry could only fail again)', async () => {
    const parked = { ...mail('evt-park:pv-rejected:centre#ctr_none'), to: { key: 'centre#ctr_none', email: '', name: '' } };
    expect(await delivery().park(parked, 'no address for centre#ctr_none')).toBe('dead-lettered');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    const dead = (await outbox.listDead()).entries;
    expect(dead.map((entry) => entry.mail.id)).toContain(parked.id);
    expect(await delivery().park(parked, 'no address for centre#ctr_none')).toBe('already-dead');
  });

  it('given a parked mail, when replayed (revived) or swept, then nothing is sent to an empty address and it stays parked', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-empty' });
    const parked = { ...mail('evt-park2:pv-rejected:centre#ctr_none'), to: { key: 'centre#ctr_none', email: '', name: '' }, subject: '', text: '', html: '' };
    expect(await delivery().park(parked, 'no address for centre#ctr_none')).toBe('dead-lettered');

    expect(await delivery().deliver(parked, { revive: true })).toBe('already-dead');
    expect(await delivery().deliver(parked)).toBe('already-dead');

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(await outbox.get(parked.id)).toMatchObject({ status: 'dead' });
    expect((await outbox.listDead()).entries.map((entry) => entry.mail.id)).toContain(parked.id);
  });

  it('given SES throttles twice then accepts, when delivering, then it retries with growing backoff and sends once', async () => {
    ses.on(SendEmailCommand).rejectsOnce(throttled()).rejectsOnce(serverError()).resolves({ MessageId: 'ses-1' });

    expect(await delivery().deliver(mail('evt1:pv-rejected:centre#ctr_lyon-1'))).toBe('sent');

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    expect(await outbox.get('evt1:pv-rejected:centre#ctr_lyon-1')).toMatchObject({ status: 'sent', sesMessageId: 'ses-1' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('given SES keeps failing, when delivering, then after the retries the whole mail is in the dead-letter queue and the outbox', async () => {
    ses.on(SendEmailCommand).rejects(throttled());
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const failing = mail('evt2:pv-rejected:centre#ctr_lyon-1');

    expect(await delivery().deliver(failing)).toBe('dead-lettered');

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(4);
    const [dlq] = sqs.commandCalls(SendMessageCommand);
    expect(JSON.parse(dlq?.args[0].input.MessageBody ?? '{}')).toEqual({ mail: failing, reason: expect.stringContaining('TooManyRequestsException') });
    expect(await outbox.get(failing.id)).toMatchObject({ status: 'dead', mail: failing });
    expect((await outbox.listDead()).entries.map((e) => e.mail.id)).toContain(failing.id);
  });

  it('given SES accepted the mail and recording it fails (a 5xx, then a throttled table), when delivering, then it is recorded on a later try, never sent twice nor dead-lettered', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-rec' });
    const throttledTable = Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
    const markSent = vi.spyOn(outbox, 'markSent').mockRejectedValueOnce(serverError()).mockRejectedValueOnce(throttledTable);
    const id = 'evt-rec:pv-rejected:centre#ctr_lyon-1';
    try {
      expect(await delivery().deliver(mail(id))).toBe('sent');
      expect(markSent).toHaveBeenCalledTimes(3);
    } finally {
      markSent.mockRestore();
    }

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(await outbox.get(id)).toMatchObject({ status: 'sent', sesMessageId: 'ses-rec' });
  });

  it('given SES accepted the mail and the outbox refuses every record of it, when delivering, then the delivery throws with the claim held, sent once and never dead-lettered', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-unrecorded' });
    const markSent = vi.spyOn(outbox, 'markSent').mockRejectedValue(serverError());
    const id = 'evt-unrec:pv-rejected:centre#ctr_lyon-1';
    try {
      await expect(delivery().deliver(mail(id))).rejects.toThrow('Internal failure');
    } finally {
      markSent.mockRestore();
    }

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(await outbox.get(id)).toMatchObject({ status: 'sending' });
  });

  it('given a dead mail, when redelivered by the same event, then nothing is sent; when resent from the queue after SES recovered, then it goes out once', async () => {
    const dead = mail('evt2:pv-rejected:centre#ctr_lyon-1');
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });

    expect(await delivery().deliver(dead)).toBe('already-dead');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);

    expect(await delivery().deliver(dead, { revive: true })).toBe('sent');
    expect(await delivery().deliver(dead, { revive: true })).toBe('already-sent');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect((await outbox.listDead()).entries.map((e) => e.mail.id)).not.toContain(dead.id);
  });

  it('given SES refuses the message itself (400), when delivering, then it is dead-lettered at once without retrying', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Bad address'), { name: 'BadRequestException', $metadata: { httpStatusCode: 400 } }));
    sqs.on(SendMessageCommand).resolves({});

    expect(await delivery().deliver(mail('evt3:pv-rejected:centre#ctr_lyon-1'))).toBe('dead-lettered');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('given the dead-letter queue is down too, when delivering fails, then the delivery throws (the record is retried) and the mail stays in the outbox', async () => {
    ses.on(SendEmailCommand).rejects(serverError());
    sqs.on(SendMessageCommand).rejects(serverError());
    const id = 'evt4:pv-rejected:centre#ctr_lyon-1';

    await expect(delivery().deliver(mail(id))).rejects.toThrow('Internal failure');
    expect(await outbox.get(id)).toMatchObject({ status: 'sending' });
  });

  it('given the same mail delivered concurrently, when both claim it, then SES is called once', async () => {
    ses.on(SendEmailCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { MessageId: 'ses-c' };
    });
    const id = 'evt5:pv-rejected:centre#ctr_lyon-1';
    const results = await Promise.allSettled([delivery().deliver(mail(id)), delivery().deliver(mail(id))]);

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name)).sort()).toEqual(['MailInFlightError', 'sent']);
  });
});
