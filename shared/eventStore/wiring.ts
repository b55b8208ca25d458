import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../platform/clock.js';
import { tablesFromEnv } from '../platform/wiring.js';
import { DynamoEventStore } from './dynamoEventStore.js';

/**
 * The event store as the reacting functions use it, from the table names of the environment.
 * Three shapes, one per kind of use, so that each function needs (and is granted) only the tables
 * it touches: the whole store (append: PV intake), a stream reader (projector, planner, notifier:
 * the `events` table alone) and the history indexer (the `history` table alone).
 *
 * The narrow shapes are built with their table alone: a method reaching another one throws
 * `TableNotGrantedError` naming it, before any call to DynamoDB. Reactions never issue history
 * cursors: a per-process secret satisfies the store.
 */
const cursorSecret = () => randomBytes(32).toString('hex');

/** Append and read: `EVENTS_TABLE_NAME`, `HISTORY_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`. */
export const eventStoreFromEnv = (dynamo: DynamoDBClient, source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock) =>
  new DynamoEventStore({ client: dynamo, tables: tablesFromEnv(['events', 'history', 'idempotency'], source), cursorSecret: cursorSecret(), clock });

/** `readStream` only, which reads the `events` table alone: `EVENTS_TABLE_NAME`. */
export const streamReaderFromEnv = (dynamo: DynamoDBClient, source: NodeJS.ProcessEnv = process.env): Pick<DynamoEventStore, 'readStream'> => {
  const { events } = tablesFromEnv(['events'], source);
  const store = new DynamoEventStore({ client: dynamo, tables: { events }, cursorSecret: cursorSecret() });
  return { readStream: (streamId) => store.readStream(streamId) };
};

/**
 * `indexCommit` only, which writes the `history` table alone from the stream record's image (the
 * `events` table is not read): `HISTORY_TABLE_NAME`.
 */
export const historyIndexFromEnv = (dynamo: DynamoDBClient, source: NodeJS.ProcessEnv = process.env): Pick<DynamoEventStore, 'indexCommit'> => {
  const { history } = tablesFromEnv(['history'], source);
  const store = new DynamoEventStore({ client: dynamo, tables: { history }, cursorSecret: cursorSecret() });
  return { indexCommit: (newImage) => store.indexCommit(newImage) };
};
