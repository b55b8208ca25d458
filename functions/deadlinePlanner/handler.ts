import type { DynamoDBStreamEvent } from 'aws-lambda';
import { plannerFromEnv } from '../../shared/deadlineIndex/wiring.js';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';
import { edge } from '../../shared/platform/edge.js';

const planner = plannerFromEnv();

/** Replans the deadlines of each commit's aggregate from its whole stream. */
export const handler = edge((event: DynamoDBStreamEvent) => processCommitBatch(event, eventsFromStreamRecord, (events) => planner.onCommit(events)));
