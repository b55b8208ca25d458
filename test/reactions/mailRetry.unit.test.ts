import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { retryMailBatch } from '../../shared/mail/retryConsumer.js';
import { MalformedRetryMessageError, parseRetryMessage } from '../../shared/mail/retryMessage.js';
import type { DeliveryOutcome } from '../../shared/mail/sender.js';

const mail = (id: string): OutgoingMail => ({
  id,
  kind: 'juror-convocation',
  causeId: `01JQ-cause-${id}`,
  to: { key: `juror#jur_${id}`, email: `${id}@example.org`, name: 'Claire Dupont' },
  subject: 'Convocation',
  text: 'Bonjour',
  html: '<p>Bonjour</p>',
  attachments: [],
});

const message = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-3:000000000000:mail-retry',
  awsRegion: 'eu-west-3',
});

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A delivery that answers per mail id and remembers what it was given. */
const fakeDelivery = (outcomes: Record<string, DeliveryOutcome> = {}) => {
  const delivered: { id: string; revive: boolean | undefined }[] = [];
  const deliver = async (given: OutgoingMail, options?: { readonly revive?: boolean }): Promise<DeliveryOutcome> => {
    delivered.push({ id: given.id, revive: options?.revive });
    return outcomes[given.id] ?? 'sent';
  };
  return { deliver, delivered };
};

describe('mail retry queue consumer', () => {
  it('given a malformed message and a good one, when the batch is processed, then the bad one fails alone and the good mail is sent again', async () => {
    const delivery = fakeDelivery();
    const response = await retryMailBatch(delivery.deliver)(
      batch(message('bad', JSON.stringify({ mail: { id: 'm-1' } })), message('good', JSON.stringify({ mail: mail('m-2'), reason: 'Throttling' }))),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(delivery.delivered).toEqual([{ id: 'm-2', revive: true }]);
  });

  it('given a body that is not JSON, when processed, then only that message fails', async () => {
    const delivery = fakeDelivery();
    const response = await retryMailBatch(delivery.deliver)(batch(message('good', JSON.stringify({ mail: mail('m-3') })), message('garbage', 'not json at all')));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'garbage' }]);
    expect(delivery.delivered.map((d) => d.id)).toEqual(['m-3']);
  });

  it('given a mail that fails again, when processed, then its message stays in the queue and the mail already sent is let go', async () => {
    const delivery = fakeDelivery({ 'm-4': 'dead-lettered', 'm-5': 'already-sent' });
    const response = await retryMailBatch(delivery.deliver)(batch(message('again', JSON.stringify({ mail: mail('m-4') })), message('done', JSON.stringify({ mail: mail('m-5') }))));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'again' }]);
  });

  it('given a batch whose every message fails, when processed, then each is reported and nothing is thrown', async () => {
    const delivery = fakeDelivery({ 'm-6': 'dead-lettered' });
    const response = await retryMailBatch(delivery.deliver)(batch(message('one', 'not json'), message('two', JSON.stringify({ mail: mail('m-6') }))));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'one' }, { itemIdentifier: 'two' }]);
  });
});

describe('retry message schema', () => {
  it('given a malformed body, then the error names the paths and quotes nothing of the body', () => {
    const body = JSON.stringify({ mail: { ...mail('m-6'), kind: 'not-a-kind', to: { key: 'juror#jur_x', name: 'Claire Dupont' } } });
    const error = (() => {
      try {
        parseRetryMessage(body);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(MalformedRetryMessageError);
    expect((error as Error).message).toContain('mail.kind');
    expect((error as Error).message).toContain('mail.to.email');
    expect((error as Error).message).not.toMatch(/Claire|example\.org|not-a-kind/);
    expect(() => parseRetryMessage('{"mail": "Claire Dupont <claire@example.org>"')).toThrow(/^message body is not JSON$/);
  });

  it('given a well-formed message with keys of its own, then the mail and the reason come back, and nothing else', () => {
    const sent = { ...mail('m-7'), attachments: [{ filename: 'convocation.ics', contentType: 'text/calendar; charset=UTF-8', content: 'BEGIN:VCALENDAR' }] };
    const body = JSON.stringify({
      mail: { ...sent, to: { ...sent.to, extra: 1 }, attachments: [{ ...sent.attachments[0], extra: 2 }], extra: 3 },
      reason: 'Throttling',
      extra: 4,
    });

    expect(parseRetryMessage(body)).toStrictEqual({ mail: sent, reason: 'Throttling' });
    expect(parseRetryMessage(JSON.stringify({ mail: sent }))).toStrictEqual({ mail: sent });
  });

  it.each([
    ['(root)', []],
    ['(root)', 'a string'],
    ['mail', { mail: 'Claire Dupont' }],
    ['mail.id', { mail: { ...mail('m-8'), id: '' } }],
    ['mail.kind', { mail: { ...mail('m-8'), kind: 'newsletter' } }],
    ['mail.causeId', { mail: { ...mail('m-8'), causeId: undefined } }],
    ['mail.to', { mail: { ...mail('m-8'), to: 'claire@example.org' } }],
    ['mail.to.key', { mail: { ...mail('m-8'), to: { ...mail('m-8').to, key: '' } } }],
    ['mail.to.name', { mail: { ...mail('m-8'), to: { ...mail('m-8').to, name: null } } }],
    ['mail.subject', { mail: { ...mail('m-8'), subject: 7 } }],
    ['mail.text', { mail: { ...mail('m-8'), text: ['Bonjour'] } }],
    ['mail.html', { mail: { ...mail('m-8'), html: undefined } }],
    ['mail.attachments', { mail: { ...mail('m-8'), attachments: {} } }],
    ['mail.attachments.0', { mail: { ...mail('m-8'), attachments: ['BEGIN:VCALENDAR'] } }],
    [
      'mail.attachments.1.content',
      {
        mail: {
          ...mail('m-8'),
          attachments: [
            { filename: 'a', contentType: 'b', content: 'c' },
            { filename: 'a', contentType: 'b' },
          ],
        },
      },
    ],
    ['reason', { mail: mail('m-8'), reason: 429 }],
  ] as const)('given a message wrong at %s, then the error names that path and only it', (path, message) => {
    expect(() => parseRetryMessage(JSON.stringify(message))).toThrow(new MalformedRetryMessageError(`not a mail of the outbox: ${path}`));
  });
});
