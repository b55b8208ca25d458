import type { DynamoDBStreamEvent } from 'aws-lambda';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { notifierFromEnv } from '../../shared/mail/notifierWiring.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';

const notifier = notifierFromEnv();

/** Mails of each commit; the outbox makes a redelivered record send nothing twice. */
export const handler = (event: DynamoDBStreamEvent) =>
  processCommitBatch(event, eventsFromStreamRecord, (events) => notifier.onCommit(events), (error, record) =>
    console.error(JSON.stringify({ level: 'ERROR', message: 'notification failed', sequence: record.dynamodb?.SequenceNumber, error: String(error) })),
  );
