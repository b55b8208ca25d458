import { BatchWriteItemCommand, ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import { AppError } from '../../shared/errors.js';
import { DynamoChainVerifier } from '../../shared/eventStore/chain.js';
import { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { ConcurrencyError } from '../../shared/eventStore/errors.js';
import { HistoryIndexReader } from '../../shared/eventStore/historyIndex.js';
import { HistoryIndexWriter } from '../../shared/eventStore/historyIndexWriter.js';
import { historyItemOf } from '../../shared/eventStore/records.js';
import type { HistoryQuery } from '../../shared/eventStore/port.js';
import { centreActor, cursorSecret, lyon, options, registered } from './fixtures.js';

const dynamo = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'eu-west-3' });
const tables = { events: 'events', history: 'history' };

const storeWith = () => new DynamoEventStore({ client, tables });

beforeEach(() => {
  dynamo.reset();
});
afterAll(() => dynamo.restore());

describe('DynamoEventStore with a mocked DynamoDB', () => {
  it('appends with one PutItem on the events table, and no other write', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutItemCommand).resolves({});
    const result = await storeWith().append('session-ses_abc', 0, [registered(1)], options({ idempotencyKey: 'k-1' }));
    expect(result).toMatchObject({ version: 1, commit: 1, replayed: false });
    expect(dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input.TableName)).toEqual(['events']);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.idempotencyKey).toEqual({ S: 'k-1' });
    expect(dynamo.commandCalls(BatchWriteItemCommand)).toHaveLength(0);
  });

  it('after reading the stream, appends with its key in a single call (the read gave the head and the keys)', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutItemCommand).resolves({});
    const store = storeWith();
    await store.readStream('session-ses_abc', { idempotencyKey: 'k-2' });
    dynamo.resetHistory();
    await store.append('session-ses_abc', 0, [registered(1)], options({ idempotencyKey: 'k-2' }));
    expect(dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(['PutItemCommand']);
  });

  it('sends the items a batch left unprocessed again until the history batch is written', async () => {
    dynamo
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { history: [{ PutRequest: { Item: { pk: { S: 'x' } } } }] } })
      .resolves({});
    const sleeps: number[] = [];
    const writer = new HistoryIndexWriter({ client, tables, sleep: async (ms) => void sleeps.push(ms) });
    await writer.indexEvents([event(1), event(2)]);
    const batches = dynamo.commandCalls(BatchWriteItemCommand);
    expect(batches).toHaveLength(2);
    expect(batches[0]?.args[0].input.RequestItems?.history).toHaveLength(2);
    expect(batches[1]?.args[0].input.RequestItems?.history).toEqual([{ PutRequest: { Item: { pk: { S: 'x' } } } }]);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up on items still unprocessed after its rounds, so the stream delivers the record again', async () => {
    dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: { history: [{ PutRequest: { Item: { pk: { S: 'x' } } } }] } });
    const writer = new HistoryIndexWriter({ client, tables, maxRounds: 3, sleep: async () => undefined });
    await expect(writer.indexEvents([event(1)])).rejects.toThrow(/1 items left unprocessed/);
    expect(dynamo.commandCalls(BatchWriteItemCommand)).toHaveLength(3);
  });

  it('turns a refused conditional put into a ConcurrencyError carrying the current version', async () => {
    // Given a stream the caller takes for new, where another writer has landed three events
    dynamo.on(QueryCommand).resolves({ Items: [marshall({ sk: 1, lastVersion: 3, hash: 'f'.repeat(64) })] });
    dynamo.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));
    // When appending at version 0
    const error = await storeWith()
      .append('session-ses_abc', 0, [registered(1)], options())
      .catch((e: unknown) => e);
    // Then the conflict names the current version, once (no retry of a refused condition)
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ category: 'conflict', code: 'stream.version-conflict', currentVersion: 3, expectedVersion: 0 });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(1);
    // A first append reads nothing before its put: the refusal is what sent it to read the head
    expect(dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(['PutItemCommand', 'QueryCommand']);
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

  it('refuses a malformed stream id, naming it, before any write', async () => {
    for (const streamId of ['nonsense', '', 'session-../../x', 'sessions-ses_abc']) {
      const error = await storeWith()
        .append(streamId, 0, [registered(1)], options())
        .catch((e: unknown) => e as AppError);
      expect(error, streamId).toMatchObject({ category: 'validation', code: 'event.invalid' });
      expect((error as AppError).fields.map((f) => f.field)).toEqual(['streamId']);
    }
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('refuses an idempotent append with a stale version without writing a commit', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [marshall({ pk: 'session-ses_abc', sk: 2, lastVersion: 5, hash: 'a'.repeat(64), events: '[]' })] });
    dynamo.on(PutItemCommand).resolves({});
    const error = await storeWith()
      .append('session-ses_abc', 4, [registered(1)], options({ idempotencyKey: 'k-1' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ currentVersion: 5 });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  describe('history cursors', () => {
    const reader = () => new HistoryIndexReader({ client, tables, cursorSecret });
    const firstPage = async (index: HistoryIndexReader) => {
      dynamo.on(QueryCommand).resolves({ Items: [event(3), event(2)].map((e) => marshall(historyItemOf(e))) });
      return index.history({ by: { centreId: 'ctr_lyon-1' }, limit: 1 });
    };

    it('gives a cursor that the same query accepts', async () => {
      const index = reader();
      const page = await firstPage(index);
      expect(page.items.map((e) => e.version)).toEqual([3]);
      expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      await expect(index.history({ by: { centreId: 'ctr_lyon-1' }, limit: 1, cursor: page.nextCursor })).resolves.toBeDefined();
    });

    it.each([
      ['forged from scratch', () => `${Buffer.from(JSON.stringify({ v: 1, after: '01JQ0000000000000000000000' })).toString('base64url')}.AAAA`],
      ['garbage', () => 'not a cursor at all'],
      ['empty signature', () => 'eyJ2IjoxfQ.'],
    ])('refuses a %s cursor with a validation error', async (_name, cursor) => {
      const error = await reader()
        .history({ by: { centreId: 'ctr_lyon-1' }, cursor: cursor() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'history.cursor.invalid', category: 'validation' });
      expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
    });

    it('refuses a genuine cursor whose payload was edited, or used on another query', async () => {
      const index = reader();
      const cursor = (await firstPage(index)).nextCursor ?? '';
      const [payload, signature] = cursor.split('.');
      const edited = `${Buffer.from(JSON.stringify({ v: 1, after: '01JQ0000000000000000000009' })).toString('base64url')}.${signature}`;
      expect(payload).not.toBe(edited.split('.')[0]);
      await expect(index.history({ by: { centreId: 'ctr_lyon-1' }, limit: 1, cursor: edited })).rejects.toMatchObject({ code: 'history.cursor.invalid' });
      await expect(index.history({ by: { centreId: 'ctr_grenoble-2' }, limit: 1, cursor })).rejects.toMatchObject({ code: 'history.cursor.invalid' });
      await expect(index.history({ by: { centreId: 'ctr_lyon-1' }, order: 'asc', cursor })).rejects.toMatchObject({ code: 'history.cursor.invalid' });
    });

    it('refuses a page size outside 1..500', async () => {
      await expect(reader().history({ by: { region: '84' }, limit: 501 })).rejects.toMatchObject({ category: 'validation' });
      await expect(reader().history({ by: { region: '84' }, limit: 0 })).rejects.toMatchObject({ category: 'validation' });
    });

    it('refuses a query no caller should build, naming each field, without querying DynamoDB', async () => {
      const query = {
        by: { region: '84', department: '69' },
        types: [],
        actorId: 'x'.repeat(129),
        from: new Date('pas une date'),
        order: 'newest',
        limit: 2.5,
        cursor: 'c'.repeat(513),
      } as unknown as HistoryQuery;
      const error = (await reader()
        .history(query)
        .catch((e: unknown) => e)) as AppError;
      expect(error).toMatchObject({ code: 'history.query.invalid', category: 'validation' });
      expect(error.fields.map((field) => field.field)).toEqual(['by', 'types', 'actorId', 'from', 'order', 'limit', 'cursor']);
      const unknownType = { by: { eventType: 'SessionInvented' }, types: ['SessionCreated', 'Nope'] } as unknown as HistoryQuery;
      await expect(reader().history(unknownType)).rejects.toMatchObject({ fields: [{ field: 'by.eventType' }, { field: 'types' }] });
      await expect(reader().history({ by: { centreId: '' } })).rejects.toMatchObject({ fields: [{ field: 'by.centreId' }] });
      expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
    });
  });

  describe('each part is built with the table it touches, by type', () => {
    it('reads a stream and verifies its chain on the events table alone; indexes and queries on the history table alone', async () => {
      dynamo.on(QueryCommand).resolves({ Items: [] });
      dynamo.on(BatchWriteItemCommand).resolves({});
      await new DynamoEventStore({ client, tables: { events: 'events-only' } }).readStream('session-ses_abc');
      await new DynamoChainVerifier({ client, tables: { events: 'events-only' } }).verify('session-ses_abc');
      await new HistoryIndexWriter({ client, tables: { history: 'history-only' } }).indexEvents([event(1)]);
      await new HistoryIndexReader({ client, tables: { history: 'history-only' }, cursorSecret }).history({ by: { region: '84' } });
      expect(
        dynamo
          .calls()
          .map(
            (call) =>
              (call.args[0].input as { TableName?: string; RequestItems?: object }).TableName ?? Object.keys((call.args[0].input as { RequestItems: object }).RequestItems)[0],
          ),
      ).toEqual(['events-only', 'events-only', 'history-only', 'history-only']);
    });

    it('does not compile without its table: a function wired with a part is granted its table', () => {
      // @ts-expect-error: the commit store cannot be built without the events table
      const withoutTable = () => new DynamoEventStore({ client, tables: { history: 'history' } });
      // @ts-expect-error: the history reader cannot be built without the history table
      const readerWithoutTable = () => new HistoryIndexReader({ client, tables: { events: 'events' }, cursorSecret });
      expect([withoutTable, readerWithoutTable]).toHaveLength(2);
    });
  });
});

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
