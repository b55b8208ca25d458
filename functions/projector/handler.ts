import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { plannerFromEnv } from '../../shared/deadlineIndex/wiring.js';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { historyIndexFromEnv } from '../../shared/eventStore/wiring.js';
import { edge } from '../../shared/platform/edge.js';
import { endpointsFromEnv } from '../../shared/platform/wiring.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';
import { projectorFromEnv } from '../../shared/views/wiring.js';

const projector = projectorFromEnv();
const historyIndex = historyIndexFromEnv(createDynamoClient({ endpoint: endpointsFromEnv().dynamodb }));
const planner = plannerFromEnv();

/**
 * Each commit, in order: its view, its history items, its aggregate's due dates. Each part is
 * idempotent on its own (the view remembers the last version applied, history items are put by
 * event id, the due dates are replanned from the whole stream), so a record retried after one part
 * failed runs the parts that had succeeded again harmlessly; a failed record and the ones after it
 * are reported for retry.
 */
export const handler = edge((event: DynamoDBStreamEvent) =>
  processCommitBatch(event, eventsFromStreamRecord, async (events, record) => {
    await projector.apply(events);
    await historyIndex.indexCommit(record.dynamodb?.NewImage ?? {});
    await planner.onCommit(events);
  }),
);
