import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StoredEvent } from '../../events/index.js';
import { count, logger, METRIC } from '../platform/observability.js';

const logFailure = (error: unknown, record: DynamoDBRecord) =>
  logger.error('stream record failed', { sequence: record.dynamodb?.SequenceNumber, error: error instanceof Error ? error : String(error) });

/**
 * Runs a stream consumer over a batch, record by record, in order, and reports partial batch
 * failures (`ReportBatchItemFailures`, by sequence number). At the first failure it stops and
 * reports that record and every later one: Lambda resumes from the first reported record, and
 * processing later records of the same stream before an earlier one succeeded would break the
 * order a consumer may rely on. A batch failing whole is reported whole too, rather than thrown:
 * the same retry, one code path. Each record's lines carry the correlation id of its commit; the
 * failed records are counted (`StreamBatchFailures`).
 */
export const processCommitBatch = async (
  event: DynamoDBStreamEvent,
  decode: (newImage: Readonly<Record<string, unknown>>) => StoredEvent[],
  handle: (events: StoredEvent[], record: DynamoDBRecord) => Promise<unknown>,
  onError: (error: unknown, record: DynamoDBRecord) => void = logFailure,
): Promise<DynamoDBBatchResponse> => {
  const records = event.Records;
  let failedAt = records.length;
  for (const [index, record] of records.entries()) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName === 'REMOVE' || !image) continue;
    // Commits are only ever inserted (a conditional put): a changed one was edited outside the store.
    // It is not projected, mailed nor indexed again, which would spread the edit; the daily digest
    // and `npm run verify-store` name it, and this line says when it happened.
    if (record.eventName === 'MODIFY') {
      logger.error('commit changed after it was written: not processed', {
        streamId: record.dynamodb?.Keys?.pk?.S,
        commit: record.dynamodb?.Keys?.sk?.N,
        sequence: record.dynamodb?.SequenceNumber,
      });
      continue;
    }
    try {
      const events = decode(image);
      const correlationId = events[0]?.correlationId;
      if (correlationId) logger.setCorrelationId(correlationId);
      await handle(events, record);
    } catch (error) {
      onError(error, record);
      failedAt = index;
      break;
    }
  }
  // A record without a sequence number cannot be named: an empty identifier fails the whole batch, which Lambda retries.
  const response: DynamoDBBatchResponse = { batchItemFailures: records.slice(failedAt).map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' })) };
  count(METRIC.streamBatchFailures, response.batchItemFailures.length);
  logger.info('stream batch', { records: event.Records.length, failed: response.batchItemFailures.length });
  return response;
};
