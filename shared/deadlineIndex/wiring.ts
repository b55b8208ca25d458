import { createDynamoClient } from '../aws/dynamo.js';
import { streamReaderFromEnv } from '../eventStore/wiring.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { endpointsFromEnv, tablesFromEnv } from '../platform/wiring.js';
import { DynamoViews } from '../views/dynamoViews.js';
import { DynamoDeadlineIndex } from './dynamoDeadlines.js';
import { DeadlinePlanner } from './planner.js';

/**
 * Composition root of the deadline planner, read once at cold start: `EVENTS_TABLE_NAME` (stream
 * reads), `DEADLINES_TABLE_NAME`, `VIEWS_TABLE_NAME` (planned-session marks), and offline
 * `DYNAMODB_ENDPOINT`. It sends no mail: the daily run that does is wired in ./runWiring.ts, so
 * the planner's bundle holds no SES, SQS nor templates.
 */
export const plannerFromEnv = (source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): DeadlinePlanner => {
  const tables = tablesFromEnv(['deadlines', 'views'], source);
  const dynamo = createDynamoClient({ endpoint: endpointsFromEnv(source).dynamodb });
  return new DeadlinePlanner(streamReaderFromEnv(dynamo, source), new DynamoDeadlineIndex(dynamo, tables.deadlines), new DynamoViews(dynamo, tables.views), clock);
};
