import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StoredEvent } from '../../events/index.js';

/**
 * Runs a stream consumer over a batch, record by record, in order, and reports partial batch
 * failures (`ReportBatchItemFailures`). At the first failure it stops and reports that record and
 * every later one: Lambda resumes from the first reported record, and processing later records of
 * the same stream before an earlier one succeeded would break the order a consumer may rely on.
 */
export const processCommitBatch = async (
  event: DynamoDBStreamEvent,
  decode: (newImage: Readonly<Record<string, unknown>>) => StoredEvent[],
  handle: (events: StoredEvent[], record: DynamoDBRecord) => Promise<unknown>,
  onError: (error: unknown, record: DynamoDBRecord) => void = () => undefined,
): Promise<DynamoDBBatchResponse> => {
  const failures: string[] = [];
  for (const record of event.Records) {
    const id = record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
    if (failures.length > 0) {
      failures.push(id);
      continue;
    }
    const image = record.dynamodb?.NewImage;
    if (record.eventName === 'REMOVE' || !image) continue;
    try {
      await handle(decode(image), record);
    } catch (error) {
      onError(error, record);
      failures.push(id);
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};
