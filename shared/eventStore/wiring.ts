import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../platform/clock.js';
import { tablesFromEnv } from '../platform/wiring.js';
import { DynamoEventStore } from './dynamoEventStore.js';
import { HistoryIndexWriter } from './historyIndex.js';
import type { EventStore } from './port.js';

/**
 * The store's parts as the reacting functions use them, from the table names of the environment.
 * Each part takes exactly the tables it touches, by type: a function wired with a part cannot lack
 * its table (its variable is read at cold start, and named when missing).
 */

/** Append and read (PV intake): `EVENTS_TABLE_NAME`. */
export const eventStoreFromEnv = (dynamo: DynamoDBClient, source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): EventStore =>
  new DynamoEventStore({ client: dynamo, tables: tablesFromEnv(['events'], source), clock });

/** `readStream` only (projector, planner, notifier): `EVENTS_TABLE_NAME`. */
export const streamReaderFromEnv = (dynamo: DynamoDBClient, source: NodeJS.ProcessEnv = process.env): Pick<EventStore, 'readStream'> =>
  new DynamoEventStore({ client: dynamo, tables: tablesFromEnv(['events'], source) });

/**
 * The history index's writer (the stream consumer), which writes `history` from the stream
 * record's image and never reads `events`: `HISTORY_TABLE_NAME`.
 */
export const historyIndexFromEnv = (dynamo: DynamoDBClient, source: NodeJS.ProcessEnv = process.env): Pick<HistoryIndexWriter, 'indexCommit'> =>
  new HistoryIndexWriter({ client: dynamo, tables: tablesFromEnv(['history'], source) });
