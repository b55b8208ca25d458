import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StoredEvent } from '../../events/index.js';
import { count, logger, METRIC } from '../platform/observability.js';

/** A record not tried because an earlier one of the batch failed (see {@link processCommitBatch}). */
class SkippedAfterFailureError extends Error {
  override readonly name = 'SkippedAfterFailureError';
}

const logFailure = (error: unknown, record: DynamoDBRecord) =>
  logger.error('stream record failed', { sequence: record.dynamodb?.SequenceNumber, error: error instanceof Error ? error : String(error) });

/**
 * Runs a stream consumer over a batch through Powertools' batch processor, record by record, in
 * order, and reports partial batch failures (`ReportBatchItemFailures`). At the first failure it
 * stops and reports that record and every later one: Lambda resumes from the first reported
 * record, and processing later records of the same stream before an earlier one succeeded would
 * break the order a consumer may rely on. Each record's lines carry the correlation id of its
 * commit; the failed records are counted (`StreamBatchFailures`).
 */
export const processCommitBatch = async (
  event: DynamoDBStreamEvent,
  decode: (newImage: Readonly<Record<string, unknown>>) => StoredEvent[],
  handle: (events: StoredEvent[], record: DynamoDBRecord) => Promise<unknown>,
  onError: (error: unknown, record: DynamoDBRecord) => void = logFailure,
): Promise<DynamoDBBatchResponse> => {
  let failed = false;
  const processRecord = async (record: DynamoDBRecord): Promise<void> => {
    if (failed) throw new SkippedAfterFailureError(`record ${record.dynamodb?.SequenceNumber} follows a failed one`);
    const image = record.dynamodb?.NewImage;
    if (record.eventName === 'REMOVE' || !image) return;
    try {
      const events = decode(image);
      const correlationId = events[0]?.correlationId;
      if (correlationId) logger.setCorrelationId(correlationId);
      await handle(events, record);
    } catch (error) {
      failed = true;
      onError(error, record);
      throw error;
    }
  };
  const response = await processPartialResponse(event, processRecord, new BatchProcessor(EventType.DynamoDBStreams), {
    processInParallel: false,
    // A batch failing whole is reported whole too, rather than thrown: the same retry, one code path.
    throwOnFullBatchFailure: false,
  });
  count(METRIC.streamBatchFailures, response.batchItemFailures.length);
  logger.info('stream batch', { records: event.Records.length, failed: response.batchItemFailures.length });
  return response;
};
