import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readStreamVersion } from '../eventStore/rawCommits.js';
import { DynamoStreamReader } from '../eventStore/streamReader.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { DynamoViewWriter } from '../views/viewWriter.js';
import { DynamoDeadlineIndex } from './dynamoDeadlines.js';
import { DeadlinePlanner } from './planner.js';

/** The due-date planner: it folds the aggregate's stream (events), writes the due dates and reads the views it names sessions from. */
export const plannerOf = (
  dynamo: DynamoDBClient,
  tables: { readonly events: string; readonly deadlines: string; readonly views: string },
  clock: Clock = systemClock,
): DeadlinePlanner => {
  const reader = new DynamoStreamReader({ client: dynamo, tables });
  // The head read stays out of the reader: the notifier, which reads streams too, has no use for it.
  const source = { readStream: (streamId: string) => reader.readStream(streamId), versionOf: (streamId: string) => readStreamVersion(dynamo, tables.events, streamId) };
  return new DeadlinePlanner(source, new DynamoDeadlineIndex(dynamo, tables.deadlines), new DynamoViewWriter(dynamo, tables.views), clock);
};
