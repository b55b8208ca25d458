import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { historyIndexFromEnv } from '../../shared/eventStore/wiring.js';
import { endpointsFromEnv } from '../../shared/platform/wiring.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';

const store = historyIndexFromEnv(createDynamoClient({ endpoint: endpointsFromEnv().dynamodb }));

/** Idempotent puts of the history items of each commit (the store's own indexer helper). */
export const handler = (event: DynamoDBStreamEvent) =>
  processCommitBatch(event, () => [], (_events, record) => store.indexCommit(record.dynamodb?.NewImage ?? {}), (error) =>
    console.error(JSON.stringify({ level: 'ERROR', message: 'history indexing failed', error: String(error) })),
  );
