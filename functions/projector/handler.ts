import type { DynamoDBStreamEvent } from 'aws-lambda';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';
import { projectorFromEnv } from '../../shared/views/wiring.js';
import { edge } from '../../shared/platform/edge.js';

const projector = projectorFromEnv();

/** Applies each commit to its view; a failed record and the ones after it are reported for retry. */
export const handler = edge((event: DynamoDBStreamEvent) => processCommitBatch(event, eventsFromStreamRecord, (events) => projector.apply(events)));
