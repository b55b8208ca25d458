import type { DynamoDBStreamEvent } from 'aws-lambda';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { reactionsFromEnv } from '../../shared/mail/wiring.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';

const notifier = reactionsFromEnv().notifier();

/** Mails of each commit; the outbox makes a redelivered record send nothing twice. */
export const handler = (event: DynamoDBStreamEvent) =>
  processCommitBatch(event, eventsFromStreamRecord, (events) => notifier.onCommit(events), (error, record) =>
    console.error(JSON.stringify({ level: 'ERROR', message: 'notification failed', sequence: record.dynamodb?.SequenceNumber, error: String(error) })),
  );
