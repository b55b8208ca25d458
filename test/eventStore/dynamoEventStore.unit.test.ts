import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  PutItemCommand,
  ProvisionedThroughputExceededException,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import { AppError } from '../../shared/errors.js';
import { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { ConcurrencyError, TableNotGrantedError } from '../../shared/eventStore/errors.js';
import { historyItemOf } from '../../shared/eventStore/records.js';
import { centreActor, cursorSecret, lyon, options, registered } from './fixtures.js';

const dynamo = mockClient(DynamoDBClient);
const tables = { events: 'events', history: 'history', idempotency: 'idempotency' };

const storeWith = (sleeps: number[] = [], maxAttempts = 4) =>
  new DynamoEventStore({
    client: new DynamoDBClient({ region: 'eu-west-3' }),
    tables,
    cursorSecret,
    retry: { maxAttempts, baseDelayMs: 20, maxDelayMs: 1_000, random: () => 1, sleep: async (ms) => void sleeps.push(ms) },
    onIndexFailure: () => undefined,
  });

const throttled = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

beforeEach(() => {
  dynamo.reset();
});
afterAll(() => dynamo.restore());

describe('DynamoEventStore with a mocked DynamoDB', () => {
  it('retries a throttled commit with growing backoff, then records it once', async () => {
    // Given an empty stream and a table that throttles twice
    const sleeps: number[] = [];
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutItemCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    dynamo.on(BatchWriteItemCommand).resolves({});
    // When appending
    const result = await storeWith(sleeps).append('session-ses_abc', 0, [registered(1)], options());
    // Then the put was sent three times, waiting longer each time, and the commit is the first
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(3);
    expect(sleeps).toEqual([20, 40]);
    expect(result).toMatchObject({ version: 1, commit: 1, replayed: false });
  });

  it('retries a 5xx too, but never a refused condition', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutItemCommand).rejectsOnce(new InternalServerError({ message: 'boom', $metadata: { httpStatusCode: 500 } })).resolves({});
    dynamo.on(BatchWriteItemCommand).resolves({});
    await storeWith().append('session-ses_abc', 0, [registered(1)], options());
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(2);
  });

  it('surfaces the throttling error once the attempts are exhausted', async () => {
    const sleeps: number[] = [];
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutItemCommand).rejects(throttled());
    await expect(storeWith(sleeps, 4).append('session-ses_abc', 0, [registered(1)], options())).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(4);
    expect(sleeps).toEqual([20, 40, 80]);
  });

  it('retries unprocessed history items until the batch is written', async () => {
    const sleeps: number[] = [];
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutItemCommand).resolves({});
    dynamo
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { history: [{ PutRequest: { Item: { pk: { S: 'x' } } } }] } })
      .resolves({});
    await storeWith(sleeps).append('session-ses_abc', 0, [registered(1), registered(2)], options());
    const batches = dynamo.commandCalls(BatchWriteItemCommand);
    expect(batches).toHaveLength(2);
    expect(batches[0]?.args[0].input.RequestItems?.history).toHaveLength(2);
    expect(batches[1]?.args[0].input.RequestItems?.history).toEqual([{ PutRequest: { Item: { pk: { S: 'x' } } } }]);
  });

  it('leaves the history to the stream indexer when write-through is off', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutItemCommand).resolves({});
    const store = new DynamoEventStore({ client: new DynamoDBClient({ region: 'eu-west-3' }), tables, cursorSecret, historyWriteThrough: false });
    await store.append('session-ses_abc', 0, [registered(1)], options());
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(BatchWriteItemCommand)).toHaveLength(0);
  });

  it('turns a refused conditional put into a ConcurrencyError carrying the current version', async () => {
    // Given a stream read as empty, where another writer lands three events before our put
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [] })
      .resolves({ Items: [marshall({ sk: 1, lastVersion: 3, hash: 'f'.repeat(64) })] });
    dynamo.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));
    // When appending at version 0
    const error = await storeWith()
      .append('session-ses_abc', 0, [registered(1)], options())
      .catch((e: unknown) => e);
    // Then the conflict names the current version, once (no retry of a refused condition)
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ category: 'conflict', code: 'stream.version-conflict', currentVersion: 3, expectedVersion: 0 });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(1);
  });

  it('refuses an event that breaks its schema, naming the field, and sends nothing', async () => {
    const invalid = { type: 'CandidateRegistered', data: { candidateId: 'jur_wrong-prefix' } } as DomainEvent;
    const error = await storeWith()
      .append('session-ses_abc', 0, [registered(1), invalid], options())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ category: 'validation', code: 'event.invalid' });
    expect((error as AppError).fields.map((f) => f.field)).toEqual(['events.1.data.candidateId']);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('refuses an unknown event type or a malformed scope before any write', async () => {
    const unknown = { type: 'SessionTeleported', data: {} } as unknown as DomainEvent;
    await expect(storeWith().append('session-ses_abc', 0, [unknown], options())).rejects.toMatchObject({ category: 'validation' });
    const error = await storeWith()
      .append('session-ses_abc', 0, [registered(1)], options({ scope: { ...lyon, department: '99' } }))
      .catch((e: unknown) => e as AppError);
    expect(error).toMatchObject({ category: 'validation' });
    expect((error as AppError).fields.map((f) => f.field)).toContain('options.scope.department');
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('refuses an idempotent append with a stale version without writing a commit', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [marshall({ sk: 2, lastVersion: 5, hash: 'a'.repeat(64) })] });
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(GetItemCommand).resolves({});
    const error = await storeWith()
      .append('session-ses_abc', 4, [registered(1)], options({ idempotencyKey: 'k-1' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ currentVersion: 5 });
    // Only the reservation was put, and it was released.
    expect(dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input.TableName)).toEqual(['idempotency']);
  });

  describe('history cursors', () => {
    const event = (n: number): StoredEvent => ({
      id: `01JQ${String(n).padStart(22, '0')}`,
      streamId: 'session-ses_abc',
      version: n,
      schemaVersion: 1,
      occurredAt: '2027-03-01T09:00:00.000Z',
      recordedAt: '2027-03-01T09:00:00.000Z',
      actor: centreActor,
      scope: lyon,
      correlationId: 'c',
      causationId: 'c',
      type: 'CandidateRegistered',
      data: { candidateId: `cand_c-${n}` },
    });
    const firstPage = async (store: DynamoEventStore) => {
      dynamo.on(QueryCommand).resolves({ Items: [event(3), event(2)].map((e) => marshall(historyItemOf(e))) });
      return store.history({ by: { centreId: 'ctr_lyon-1' }, limit: 1 });
    };

    it('gives a cursor that the same query accepts', async () => {
      const store = storeWith();
      const page = await firstPage(store);
      expect(page.items.map((e) => e.version)).toEqual([3]);
      expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      await expect(store.history({ by: { centreId: 'ctr_lyon-1' }, limit: 1, cursor: page.nextCursor })).resolves.toBeDefined();
    });

    it.each([
      ['forged from scratch', () => `${Buffer.from(JSON.stringify({ v: 1, after: '01JQ0000000000000000000000' })).toString('base64url')}.AAAA`],
      ['garbage', () => 'not a cursor at all'],
      ['empty signature', () => 'eyJ2IjoxfQ.'],
    ])('refuses a %s cursor with a validation error', async (_name, cursor) => {
      const error = await storeWith()
        .history({ by: { centreId: 'ctr_lyon-1' }, cursor: cursor() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'history.cursor.invalid', category: 'validation' });
      expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
    });

    it('refuses a genuine cursor whose payload was edited, or used on another query', async () => {
      const store = storeWith();
      const cursor = (await firstPage(store)).nextCursor ?? '';
      const [payload, signature] = cursor.split('.');
      const edited = `${Buffer.from(JSON.stringify({ v: 1, after: '01JQ0000000000000000000009' })).toString('base64url')}.${signature}`;
      expect(payload).not.toBe(edited.split('.')[0]);
      await expect(store.history({ by: { centreId: 'ctr_lyon-1' }, limit: 1, cursor: edited })).rejects.toMatchObject({ code: 'history.cursor.invalid' });
      await expect(store.history({ by: { centreId: 'ctr_grenoble-2' }, limit: 1, cursor })).rejects.toMatchObject({ code: 'history.cursor.invalid' });
      await expect(store.history({ by: { centreId: 'ctr_lyon-1' }, order: 'asc', cursor })).rejects.toMatchObject({ code: 'history.cursor.invalid' });
    });

    it('refuses a page size outside 1..500', async () => {
      await expect(storeWith().history({ by: { region: '84' }, limit: 501 })).rejects.toMatchObject({ category: 'validation' });
      await expect(storeWith().history({ by: { region: '84' }, limit: 0 })).rejects.toMatchObject({ category: 'validation' });
    });
  });

  describe('a store built with only the tables its function is granted', () => {
    const narrow = (granted: Partial<typeof tables>, extra: { historyWriteThrough?: boolean } = {}) =>
      new DynamoEventStore({ client: new DynamoDBClient({ region: 'eu-west-3' }), tables: granted, cursorSecret, ...extra });
    // Every call would succeed: a method that sent anything would not fail on its own.
    const answerEverything = () => {
      dynamo.on(QueryCommand).resolves({ Items: [] });
      dynamo.on(GetItemCommand).resolves({});
      dynamo.on(PutItemCommand).resolves({});
      dynamo.on(BatchWriteItemCommand).resolves({});
    };

    it('refuses an idempotent append without the idempotency table, naming it, and sends nothing', async () => {
      answerEverything();
      const store = narrow({ events: 'events', history: 'history' });
      const error = await store.append('session-ses_abc', 0, [registered(1)], options({ idempotencyKey: 'k-1' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TableNotGrantedError);
      expect(error).toMatchObject({ table: 'idempotency', message: expect.stringContaining("Cette fonction n'a pas accès à la table idempotency") });
      await expect(store.replayed('session-ses_abc', 'k-1')).rejects.toMatchObject({ table: 'idempotency' });
      expect(dynamo.calls()).toHaveLength(0);
    });

    it('reads a stream with the events table alone, and refuses the history there before any query', async () => {
      answerEverything();
      const reader = narrow({ events: 'events' });
      await expect(reader.readStream('session-ses_abc')).resolves.toEqual({ version: 0, events: [] });
      expect(dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input.TableName)).toEqual(['events']);
      dynamo.resetHistory();
      await expect(reader.history({ by: { region: '84' } })).rejects.toMatchObject({ name: 'TableNotGrantedError', table: 'history' });
      expect(dynamo.calls()).toHaveLength(0);
    });

    it('refuses to read or append without the events table, naming it, and sends nothing', async () => {
      answerEverything();
      const indexer = narrow({ history: 'history' });
      await expect(indexer.readStream('session-ses_abc')).rejects.toMatchObject({ table: 'events' });
      await expect(indexer.verify('session-ses_abc')).rejects.toMatchObject({ table: 'events' });
      await expect(indexer.append('session-ses_abc', 0, [registered(1)], options())).rejects.toMatchObject({ table: 'events' });
      expect(dynamo.calls()).toHaveLength(0);
    });

    it('appends without writing the history through when it has no history table, and refuses to be asked to', async () => {
      answerEverything();
      await narrow({ events: 'events' }).append('session-ses_abc', 0, [registered(1)], options());
      expect(dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input.TableName)).toEqual(['events']);
      expect(dynamo.commandCalls(BatchWriteItemCommand)).toHaveLength(0);
      expect(() => narrow({ events: 'events' }, { historyWriteThrough: true })).toThrow(TableNotGrantedError);
    });
  });
});
