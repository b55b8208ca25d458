import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { plannerOf } from '../../shared/deadlineIndex/wiring.js';
import { HistoryIndexWriter } from '../../shared/eventStore/historyIndexWriter.js';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { configOf } from '../../shared/platform/config.js';
import { edge } from '../../shared/platform/edge.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';
import { projectorOf } from '../../shared/views/wiring.js';
import { projector as declaration } from './function.js';

const config = configOf(declaration);
// One client for the three parts.
const dynamo = createDynamoClient({ endpoint: config.endpoints.dynamodb });
const projector = projectorOf(dynamo, config.tables);
const historyIndex = new HistoryIndexWriter({ client: dynamo, tables: config.tables });
const planner = plannerOf(dynamo, config.tables);

/**
 * Each commit, in order: its history items, its view, its aggregate's due dates. The history comes
 * first: the integrity digest and the retention purge read only it, so a commit whose view keeps
 * failing (its record ends in the stream DLQ) is still digested and purged on time. Each part is
 * idempotent on its own (the view remembers the last version applied, history items are put by
 * event id, the due dates are replanned from the whole stream), so a record retried after one part
 * failed runs the parts that had succeeded again harmlessly; a failed record and the ones after it
 * are reported for retry.
 */
export const handler = edge((event: DynamoDBStreamEvent) =>
  processCommitBatch(event, eventsFromStreamRecord, async (events, record) => {
    await historyIndex.indexCommit(record.dynamodb?.NewImage ?? {});
    await projector.apply(events);
    await planner.onCommit(events);
  }),
);
