import type { DynamoDBStreamEvent } from 'aws-lambda';
import { plannerFromEnv } from '../../shared/deadlineIndex/wiring.js';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';

const planner = plannerFromEnv();

/** Replans the deadlines of each commit's aggregate from its whole stream. */
export const handler = (event: DynamoDBStreamEvent) =>
  processCommitBatch(event, eventsFromStreamRecord, (events) => planner.onCommit(events), (error, record) =>
    console.error(JSON.stringify({ level: 'ERROR', message: 'deadline planning failed', sequence: record.dynamodb?.SequenceNumber, error: String(error) })),
  );
