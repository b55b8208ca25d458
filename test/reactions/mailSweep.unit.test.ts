import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../shared/mail/model.js';
import type { OutboxCursor, OutboxEntry } from '../../shared/mail/outbox.js';
import { MailInFlightError, type DeliveryOutcome } from '../../shared/mail/sender.js';
import { sweepStaleMails, type StaleClaims } from '../../shared/mail/sweeper.js';
import { fixedClock } from '../../shared/platform/clock.js';

/** The sweep's own logic (pages, bounds, counts) over fakes; the outbox and SES for real are in mailSweep.int.test.ts. */
const now = new Date('2027-03-01T06:20:00.000Z');
const clock = fixedClock(now);

const entry = (n: number): OutboxEntry => ({
  mail: {
    id: `evt-${n}:pv-rejected:centre#ctr_lyon-1`,
    kind: 'pv-rejected',
    causeId: `evt-${n}`,
    to: { key: 'centre#ctr_lyon-1', email: 'centre@example.org', name: 'Centre' },
    subject: 's',
    text: 't',
    html: 'h',
    attachments: [],
  },
  status: 'sending',
  attempts: 1,
  claimedAt: '2027-03-01T06:00:00.000Z',
});

/** Pages of stale claims, the cursor being the page number; records what it was asked. */
const pagesOf = (pages: OutboxEntry[][]) => {
  const asked: { now: Date; limit?: number; cursor?: OutboxCursor }[] = [];
  const outbox: StaleClaims = {
    listStaleClaims: (at, options) => {
      asked.push({ now: at, ...options });
      const index = options.cursor ? Number(options.cursor.page?.N) : 0;
      return Promise.resolve({ entries: pages[index] ?? [], ...(index + 1 < pages.length ? { next: { page: { N: String(index + 1) } } } : {}) });
    },
  };
  return { outbox, asked };
};

const deliveryAnswering = (answer: (mail: OutgoingMail) => DeliveryOutcome | Error) => {
  const delivered: string[] = [];
  return {
    delivered,
    deliver: (mail: OutgoingMail) => {
      delivered.push(mail.id);
      const result = answer(mail);
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    },
  };
};

describe('sweep of mails left sending', () => {
  it('given stale claims over two pages, when swept, then each mail is delivered once through the delivery and the outcomes are counted', async () => {
    const { outbox, asked } = pagesOf([
      [entry(1), entry(2)],
      [entry(3), entry(4), entry(5)],
    ]);
    const outcomes: Record<string, DeliveryOutcome | Error> = {
      [entry(1).mail.id]: 'sent',
      [entry(2).mail.id]: 'already-sent',
      [entry(3).mail.id]: 'dead-lettered',
      [entry(4).mail.id]: new MailInFlightError('held by another delivery'),
      [entry(5).mail.id]: 'sent',
    };
    const delivery = deliveryAnswering((mail) => outcomes[mail.id] ?? new Error('unexpected mail'));

    const report = await sweepStaleMails(outbox, delivery, clock, { pageSize: 2, maxItems: 100 });

    expect(delivery.delivered).toEqual([1, 2, 3, 4, 5].map((n) => entry(n).mail.id));
    expect(report).toEqual({ found: 5, sent: 2, alreadySent: 1, deadLettered: 1, alreadyDead: 0, inFlight: 1, failures: 0, errors: [], truncated: false });
    expect(asked.map((a) => [a.now.toISOString(), a.limit, a.cursor?.page?.N])).toEqual([
      [now.toISOString(), 2, undefined],
      [now.toISOString(), 2, '1'],
    ]);
  });

  it('given a delivery that fails on one mail, when swept, then the others are still sent and the failure is counted by error name only', async () => {
    const { outbox } = pagesOf([[entry(1), entry(2), entry(3)]]);
    const throttled = Object.assign(new Error(`throttled on ${entry(2).mail.id}`), { name: 'ProvisionedThroughputExceededException' });
    const delivery = deliveryAnswering((mail) => (mail.id === entry(2).mail.id ? throttled : 'sent'));

    const report = await sweepStaleMails(outbox, delivery, clock, { pageSize: 10, maxItems: 10 });

    expect(report).toMatchObject({ found: 3, sent: 2, failures: 1, errors: ['ProvisionedThroughputExceededException'] });
    expect(JSON.stringify(report)).not.toContain('example.org');
    expect(JSON.stringify(report)).not.toContain('ctr_lyon');
  });

  it('given more stale claims than the bound, when swept, then it delivers only maxItems, says it was truncated and reads no further page', async () => {
    const { outbox, asked } = pagesOf([[entry(1), entry(2)], [entry(3), entry(4)], [entry(5)]]);
    const delivery = deliveryAnswering(() => 'sent');

    const report = await sweepStaleMails(outbox, delivery, clock, { pageSize: 2, maxItems: 3 });

    expect(delivery.delivered).toHaveLength(3);
    expect(report).toMatchObject({ found: 3, sent: 3, truncated: true });
    expect(asked).toHaveLength(2);
  });

  it('given the function near its timeout, when swept, then it stops before the next mail', async () => {
    const { outbox } = pagesOf([[entry(1), entry(2), entry(3)]]);
    const delivery = deliveryAnswering(() => 'sent');
    let budget = 2;

    const report = await sweepStaleMails(outbox, delivery, clock, { pageSize: 10, maxItems: 10, shouldStop: () => budget-- <= 0 });

    expect(delivery.delivered).toEqual([entry(1).mail.id, entry(2).mail.id]);
    expect(report).toMatchObject({ found: 2, truncated: true });
  });

  it('given the index listing one mail on two pages (it changed under the run), when swept, then that mail is delivered once', async () => {
    const { outbox } = pagesOf([[entry(1)], [entry(1), entry(2)]]);
    const delivery = deliveryAnswering(() => 'sent');

    const report = await sweepStaleMails(outbox, delivery, clock, { pageSize: 1, maxItems: 10 });

    expect(delivery.delivered).toEqual([entry(1).mail.id, entry(2).mail.id]);
    expect(report.found).toBe(2);
  });

  it('given no stale claim, when swept, then nothing is delivered', async () => {
    const { outbox } = pagesOf([[]]);
    const delivery = deliveryAnswering(() => 'sent');

    expect(await sweepStaleMails(outbox, delivery, clock)).toMatchObject({ found: 0, sent: 0, truncated: false });
    expect(delivery.delivered).toEqual([]);
  });
});
