import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { outboxOnlyDeadLetter } from '../../shared/mail/sender.js';
import { mailFromEnv } from '../../shared/mail/wiring.js';

// A mail failing again stays in this queue: it is not enqueued a second time (hence no SQS client here).
const { delivery } = mailFromEnv(process.env, outboxOnlyDeadLetter);

/** Each message holds a whole mail; a sent one is skipped (outbox), a failing one stays in the queue. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      const { mail } = JSON.parse(record.body) as { mail?: OutgoingMail };
      // Not a mail of the outbox: leave it to the queue's own dead-letter queue, for a person to look at.
      if (!mail?.id || !mail.to?.email) throw new Error('malformed message: no mail in it');
      const outcome = await delivery.deliver(mail, { revive: true });
      // Still failing: the message stays in the queue (SQS retries it, then its own redrive DLQ keeps it).
      if (outcome === 'dead-lettered') batchItemFailures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'mail retry failed', error: String(error) }));
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
