import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { historyIndexFromEnv } from '../../shared/eventStore/wiring.js';
import { endpointsFromEnv } from '../../shared/platform/wiring.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';
import { edge } from '../../shared/platform/edge.js';

const store = historyIndexFromEnv(createDynamoClient({ endpoint: endpointsFromEnv().dynamodb }));

/** Idempotent puts of the history items of each commit (the store's own indexer helper). */
export const handler = edge((event: DynamoDBStreamEvent) =>
  processCommitBatch(event, eventsFromStreamRecord, (_events, record) => store.indexCommit(record.dynamodb?.NewImage ?? {})),
);
