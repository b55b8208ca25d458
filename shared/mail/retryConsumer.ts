import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../platform/observability.js';
import { parseRetryMessage } from './retryMessage.js';
import type { MailDelivery } from './sender.js';

class MailStillFailingError extends Error {
  override readonly name = 'MailStillFailingError';
}

/**
 * One message: parsed (a malformed one fails alone, and after its receives SQS's own redrive queue
 * keeps it for a person to look at), then its mail delivered again; a mail already sent is skipped
 * by the outbox. A mail failing again fails its message, which stays in the queue for SQS to retry.
 */
const retryOne =
  (deliver: MailDelivery['deliver']) =>
  async (record: SQSRecord): Promise<void> => {
    logger.setCorrelationId(record.messageId);
    try {
      const { mail } = parseRetryMessage(record.body);
      // The event that caused the mail: its lines and the notifier's first attempt share it.
      logger.setCorrelationId(mail.causeId);
      const outcome = await deliver(mail, { revive: true });
      if (outcome === 'dead-lettered') throw new MailStillFailingError(`mail ${mail.id} failed again`);
    } catch (error) {
      logger.error('mail retry failed', { messageId: record.messageId, error: error instanceof Error ? error : String(error) });
      throw error;
    }
  };

/**
 * The mail retry queue's consumer: the messages of a batch at once, each failed message reported
 * alone (`batchItemFailures`, by message id), the others deleted. A batch failing whole is
 * reported whole, rather than thrown.
 */
export const retryMailBatch =
  (deliver: MailDelivery['deliver']) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const retry = retryOne(deliver);
    const outcomes = await Promise.allSettled(event.Records.map((record) => retry(record)));
    return { batchItemFailures: event.Records.filter((_, index) => outcomes[index]?.status === 'rejected').map((record) => ({ itemIdentifier: record.messageId })) };
  };
