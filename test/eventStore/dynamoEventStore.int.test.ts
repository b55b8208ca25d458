import { DeleteItemCommand, GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { DynamoChainVerifier } from '../../shared/eventStore/chain.js';
import { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { ConcurrencyError } from '../../shared/eventStore/errors.js';
import { HistoryIndexReader } from '../../shared/eventStore/historyIndex.js';
import { HistoryIndexWriter } from '../../shared/eventStore/historyIndexWriter.js';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { cursorSecret, options, registered } from './fixtures.js';

let local: LocalDynamo;
beforeAll(async () => {
  local = await startDynalite('store');
});
afterAll(async () => {
  await local.stop();
});

/** A fresh store instance, as a separate Lambda container would hold (no shared head cache). */
const newStore = () => new DynamoEventStore({ client: local.client, tables: local.tables });
const chain = () => new DynamoChainVerifier({ client: local.client, tables: local.tables });

let streamCounter = 0;
const newStream = () => `session-ses_int-${(streamCounter += 1)}`;

const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

describe('DynamoEventStore against dynalite: concurrency', () => {
  it('lets exactly one of 20 concurrent appends at the same version land; the 19 others conflict', async () => {
    // Given a stream with 2 events
    const stream = newStream();
    await newStore().append(stream, 0, [registered('a'), registered('b')], options());
    // When 20 writers append 2 events each at version 2
    const outcomes = await settle(Array.from({ length: 20 }, (_, i) => newStore().append(stream, 2, [registered(`w${i}-1`), registered(`w${i}-2`)], options())));
    // Then one lands, 19 get a conflict naming version 4
    const landed = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(landed).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const error of refused) expect(error).toBeInstanceOf(ConcurrencyError);
    for (const error of refused) expect(error).toMatchObject({ currentVersion: 4 });
    // And the stream holds the first commit then exactly the winner's events, nothing lost or duplicated
    const read = await newStore().readStream(stream);
    expect(read.version).toBe(4);
    expect(read.events.map((e) => e.id)).toEqual([...read.events.slice(0, 2).map((e) => e.id), ...(landed[0]?.events.map((e) => e.id) ?? [])]);
    expect(read.events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(new Set(read.events.map((e) => e.id)).size).toBe(4);
    await expect(chain().verify(stream)).resolves.toEqual({ ok: true, commits: 2 });
  });

  it('gives each stored event its identity, position, schema version, times and metadata', async () => {
    const stream = newStream();
    const result = await newStore().append(stream, 0, [registered('x')], options({ correlationId: 'corr-9', causationId: 'cause-9' }));
    const [event] = (await newStore().readStream(stream)).events;
    expect(event).toEqual(result.events[0]);
    expect(event).toMatchObject({
      streamId: stream,
      version: 1,
      schemaVersion: 1,
      occurredAt: '2027-03-01T09:00:00.000Z',
      correlationId: 'corr-9',
      causationId: 'cause-9',
      scope: { centreId: 'ctr_lyon-1' },
      type: 'CandidateRegistered',
      data: { candidateId: 'cand_c-x' },
    });
    expect(event?.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('reads a stream of 1,500 events in 15 commits back in order', async () => {
    const stream = newStream();
    const store = newStore();
    const big = Array.from({ length: 100 }, (_, i) => registered(`big-${i}-${'x'.repeat(40)}`));
    for (let commit = 0; commit < 15; commit += 1) await store.append(stream, commit * 100, big, options());
    const read = await newStore().readStream(stream);
    expect(read.version).toBe(1_500);
    expect(read.events.map((e) => e.version)).toEqual(Array.from({ length: 1_500 }, (_, i) => i + 1));
  });

  it('answers a conflict to a writer with a stale version, even when its head was cached', async () => {
    const stream = newStream();
    const mine = newStore();
    await mine.append(stream, 0, [registered(1)], options());
    await newStore().append(stream, 1, [registered(2)], options());
    await expect(mine.append(stream, 1, [registered(3)], options())).rejects.toMatchObject({ currentVersion: 2 });
    await expect(mine.append(stream, 2, [registered(3)], options())).resolves.toMatchObject({ version: 3, commit: 3 });
  });
});

describe('DynamoEventStore against dynalite: idempotency', () => {
  it('records one commit for a key sent twice in a row and returns the first answer, even at a newer version', async () => {
    const stream = newStream();
    const first = await newStore().append(stream, 0, [registered(1)], options({ idempotencyKey: 'key-seq' }));
    const again = await newStore().append(stream, 0, [registered(1)], options({ idempotencyKey: 'key-seq' }));
    // The caller re-read the stream in between: it now expects version 1
    const afterReread = await newStore().append(stream, 1, [registered('other')], options({ idempotencyKey: 'key-seq' }));
    expect(first.replayed).toBe(false);
    for (const answer of [again, afterReread]) {
      expect(answer).toEqual({ ...first, replayed: true });
    }
    expect((await newStore().readStream(stream)).version).toBe(1);
    // A reader asking for the key finds the first answer in the stream it reads; another key finds none.
    await expect(newStore().readStream(stream, { idempotencyKey: 'key-seq' })).resolves.toMatchObject({ replay: { ...first, replayed: true } });
    expect((await newStore().readStream(stream, { idempotencyKey: 'never-used' })).replay).toBeUndefined();
  });

  it('keeps each stream’s keys to itself in one instance: the same key on two new streams lands twice, and a keyless append then a keyed one stay apart', async () => {
    const store = newStore();
    const [a, b, c] = [newStream(), newStream(), newStream()];
    const onA = await store.append(a, 0, [registered('a1')], options({ idempotencyKey: 'key-shared' }));
    const onB = await store.append(b, 0, [registered('b1')], options({ idempotencyKey: 'key-shared' }));
    expect([onA.replayed, onB.replayed]).toEqual([false, false]);
    expect(onB.streamId).toBe(b);
    // A keyless append on an empty stream caches its head; a keyed append after it must not see A's or B's key.
    await store.append(c, 0, [registered('c1')], options());
    const onC = await store.append(c, 1, [registered('c2')], options({ idempotencyKey: 'key-shared' }));
    expect(onC).toMatchObject({ streamId: c, version: 2, replayed: false });
    // Many keyed appends through one instance: each new key lands, each repeated one replays its own commit.
    for (let v = 2; v < 40; v += 1) await store.append(c, v, [registered(`c${v + 1}`)], options({ idempotencyKey: `key-c-${v}` }));
    await expect(store.append(c, 40, [registered('late')], options({ idempotencyKey: 'key-c-7' }))).resolves.toMatchObject({ version: 8, replayed: true });
    expect((await newStore().readStream(c)).version).toBe(40);
  });

  it('records one commit for a key sent 10 times concurrently, and every caller gets the same answer', async () => {
    const stream = newStream();
    await newStore().append(stream, 0, [registered('seed')], options());
    const outcomes = await settle(Array.from({ length: 10 }, (_, i) => newStore().append(stream, 1, [registered(`twin-${i}`)], options({ idempotencyKey: 'key-conc' }))));
    const answers = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined));
    expect(answers.every(Boolean)).toBe(true);
    const ids = new Set(answers.map((a) => a?.events[0]?.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a?.replayed === false)).toHaveLength(1);
    const read = await newStore().readStream(stream);
    expect(read.version).toBe(2);
    expect(read.events[1]?.id).toBe([...ids][0]);
  });

  it('still lands the commit when the key is used concurrently with different keys competing for the slot', async () => {
    const stream = newStream();
    const outcomes = await settle([
      newStore().append(stream, 0, [registered('k')], options({ idempotencyKey: 'key-a' })),
      newStore().append(stream, 0, [registered('k')], options({ idempotencyKey: 'key-a' })),
      newStore().append(stream, 0, [registered('l')], options({ idempotencyKey: 'key-b' })),
      newStore().append(stream, 0, [registered('m')], options()),
    ]);
    const read = await newStore().readStream(stream);
    expect(read.version).toBe(1);
    const landedKeyA = outcomes.slice(0, 2).filter((o) => o.status === 'fulfilled');
    // Either key-a won (both twins answer with that commit) or it lost (both twins got a conflict).
    expect([0, 2]).toContain(landedKeyA.length);
    // A key that lost its race can be used again at the new version, and lands once.
    const retried = await newStore().append(stream, 1, [registered('n')], options({ idempotencyKey: 'key-b' }));
    const retriedAgain = await newStore().append(stream, 1, [registered('n')], options({ idempotencyKey: 'key-b' }));
    expect(retriedAgain.events).toEqual(retried.events);
    expect((await newStore().readStream(stream)).version).toBe(retried.replayed ? 1 : 2);
  });

  it('lets the retry of a first attempt that died before committing land at once, and answers the late first attempt with it', async () => {
    // Given a first attempt that read the stream with its key, then stalled (a crash, or a frozen container)
    const stream = newStream();
    await newStore().append(stream, 0, [registered('seed')], options());
    const first = newStore();
    const firstRead = await first.readStream(stream, { idempotencyKey: 'key-crash' });
    // When the client's retry runs with the same key: nothing waits for the first attempt
    const retry = await newStore().append(stream, firstRead.version, [registered('mine')], options({ idempotencyKey: 'key-crash' }));
    expect(retry).toMatchObject({ replayed: false, commit: 2, version: 2 });
    // Then the first attempt, waking up, writes nothing and gets the retry's answer
    const late = await first.append(stream, firstRead.version, [registered('mine')], options({ idempotencyKey: 'key-crash' }));
    expect(late).toEqual({ ...retry, replayed: true });
    expect((await newStore().readStream(stream)).version).toBe(2);
  });

  it('refuses the key reused for another request (422), and records nothing', async () => {
    const stream = newStream();
    await newStore().append(stream, 0, [registered(1)], options({ idempotencyKey: 'key-hash', requestHash: 'hash-a' }));
    await expect(newStore().append(stream, 1, [registered(2)], options({ idempotencyKey: 'key-hash', requestHash: 'hash-b' }))).rejects.toMatchObject({
      code: 'idempotency.key-reused',
      category: 'rule',
    });
    await expect(newStore().readStream(stream, { idempotencyKey: 'key-hash', requestHash: 'hash-b' })).rejects.toMatchObject({ code: 'idempotency.key-reused' });
    await expect(newStore().append(stream, 1, [registered(2)], options({ idempotencyKey: 'key-hash', requestHash: 'hash-a' }))).resolves.toMatchObject({ replayed: true });
    expect((await newStore().readStream(stream)).version).toBe(1);
  });
});

describe('DynamoEventStore against dynalite: a warm instance reads only the commits after those it holds', () => {
  /** A store on a client of its own that records the key condition of each query it sends. */
  const watchedStore = (maxCachedCommits?: number) => {
    const client = createDynamoClient({ endpoint: local.endpoint, maxAttempts: 3 });
    const queries: { condition: string; after?: string }[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { KeyConditionExpression?: string; ExpressionAttributeValues?: Record<string, { N?: string }> };
        if (context.commandName === 'QueryCommand') queries.push({ condition: input.KeyConditionExpression ?? '', after: input.ExpressionAttributeValues?.[':after']?.N });
        return next(args);
      },
      { step: 'initialize', name: 'watchQueries' },
    );
    const store = new DynamoEventStore({ client, tables: local.tables, ...(maxCachedCommits !== undefined ? { maxCachedCommits } : {}) });
    return { store, queries };
  };

  it('asks only for the commits after those it read or wrote, and reads what a cold instance reads, another writer’s commit included', async () => {
    const stream = newStream();
    const { store, queries } = watchedStore();
    for (let v = 0; v < 3; v += 1) await store.append(stream, v, [registered(`w${v}`)], options({ idempotencyKey: `key-${v}` }));
    await newStore().append(stream, 3, [registered('other')], options({ idempotencyKey: 'key-other' }));
    queries.length = 0;
    const warm = await store.readStream(stream);
    expect(queries).toEqual([{ condition: 'pk = :pk AND sk > :after', after: '3' }]);
    const cold = await newStore().readStream(stream);
    expect([warm.version, warm.events]).toEqual([cold.version, cold.events]);
    expect(warm.events.map((event) => event.data)).toEqual([...['w0', 'w1', 'w2', 'other'].map((n) => ({ candidateId: `cand_c-${n}` }))]);
    // Nothing new since: the held commits answer, after a query that finds none.
    queries.length = 0;
    expect((await store.readStream(stream)).events).toEqual(warm.events);
    expect(queries).toEqual([{ condition: 'pk = :pk AND sk > :after', after: '4' }]);
  });

  it('creates a new stream with one put and no read, and answers 10 concurrent creations with one key with the same commit', async () => {
    const stream = newStream();
    const { store, queries } = watchedStore();
    await store.append(newStream(), 0, [registered('alone')], options({ idempotencyKey: 'key-new' }));
    expect(queries).toEqual([]);
    const outcomes = await settle(Array.from({ length: 10 }, (_, i) => newStore().append(stream, 0, [registered(`twin-${i}`)], options({ idempotencyKey: 'key-create' }))));
    const answers = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined));
    expect(answers.every(Boolean)).toBe(true);
    expect(new Set(answers.map((a) => a?.events[0]?.id)).size).toBe(1);
    expect(answers.filter((a) => a?.replayed === false)).toHaveLength(1);
    expect((await newStore().readStream(stream)).version).toBe(1);
  });

  it('answers the retry of a key from the commits it holds, as the first answer', async () => {
    const stream = newStream();
    const { store } = watchedStore();
    const first = await store.append(stream, 0, [registered('a')], options({ idempotencyKey: 'key-a', requestHash: 'hash-a' }));
    await newStore().append(stream, 1, [registered('b')], options({ idempotencyKey: 'key-b' }));
    await store.readStream(stream);
    const retry = await store.append(stream, 0, [registered('a')], options({ idempotencyKey: 'key-a', requestHash: 'hash-a' }));
    expect(retry).toEqual({ ...first, replayed: true });
    const read = await store.readStream(stream, { idempotencyKey: 'key-b' });
    expect(read.replay?.commit).toBe(2);
  });

  it('keeps no more commits than its bound: the oldest stream drops them and is read whole again', async () => {
    const [older, newer] = [newStream(), newStream()];
    for (let v = 0; v < 3; v += 1) await newStore().append(older, v, [registered(`o${v}`)], options());
    await newStore().append(newer, 0, [registered('n0')], options());
    await newStore().append(newer, 1, [registered('n1')], options());
    // Room for 4 commits: the older stream's 3 and the newer's 2 do not fit together.
    const { store, queries } = watchedStore(4);
    await store.readStream(older);
    await store.readStream(newer);
    queries.length = 0;
    expect((await store.readStream(newer)).events).toHaveLength(2);
    expect((await store.readStream(older)).events).toHaveLength(3);
    expect(queries).toEqual([{ condition: 'pk = :pk AND sk > :after', after: '2' }, { condition: 'pk = :pk' }]);
  });
});

describe('DynamoEventStore against dynalite: tamper evidence', () => {
  const fiveCommits = async () => {
    const stream = newStream();
    const store = newStore();
    for (let i = 0; i < 5; i += 1) await store.append(stream, i * 2, [registered(`${i}a`), registered(`${i}b`)], options({ idempotencyKey: `t-${i}` }));
    return stream;
  };
  const update = (stream: string, commit: number, expression: string, values: Record<string, unknown>, names?: Record<string, string>) =>
    local.client.send(
      new UpdateItemCommand({
        TableName: local.tables.events,
        Key: marshall({ pk: stream, sk: commit }),
        UpdateExpression: expression,
        ExpressionAttributeValues: marshall(values),
        ...(names ? { ExpressionAttributeNames: names } : {}),
      }),
    );

  it('verifies an untouched stream', async () => {
    await expect(chain().verify(await fiveCommits())).resolves.toEqual({ ok: true, commits: 5 });
  });

  it.each([1, 2, 3, 4, 5])('names commit %i when its events were edited behind the store', async (commit) => {
    const stream = await fiveCommits();
    const { events } = await newStore().readStream(stream);
    const edited = events.filter((e) => e.version > (commit - 1) * 2 && e.version <= commit * 2).map((e) => ({ ...e, data: { candidateId: 'cand_intrus' } }));
    await update(stream, commit, 'SET events = :e', { ':e': JSON.stringify(edited) });
    await expect(chain().verify(stream)).resolves.toMatchObject({ ok: false, firstBrokenCommit: commit });
  });

  it.each([
    ['its own hash', 'SET #hash = :v', { ':v': 'a'.repeat(64) }, { '#hash': 'hash' }],
    ['the previous hash', 'SET prevHash = :v', { ':v': 'b'.repeat(64) }, undefined],
    ['its idempotency key', 'SET idempotencyKey = :v', { ':v': 'forged' }, undefined],
    ['its centre', 'SET centreId = :v', { ':v': 'ctr_autre' }, undefined],
    ['an added attribute', 'SET note = :v', { ':v': 'hello' }, undefined],
    ['its event types', 'ADD eventTypes :v', { ':v': new Set(['SessionCancelled']) }, undefined],
  ])('names the commit when %s was changed', async (_what, expression, values, names) => {
    const stream = await fiveCommits();
    await update(stream, 3, expression, values, names);
    await expect(chain().verify(stream)).resolves.toMatchObject({ ok: false, firstBrokenCommit: 3 });
  });

  it('names the first missing commit when one was deleted', async () => {
    const stream = await fiveCommits();
    await local.client.send(new DeleteItemCommand({ TableName: local.tables.events, Key: marshall({ pk: stream, sk: 2 }) }));
    await expect(chain().verify(stream)).resolves.toMatchObject({ ok: false, firstBrokenCommit: 2 });
  });
});

describe('the history index against dynalite: written by the stream consumer alone', () => {
  it('an append writes the events table only; the consumer indexes the commit from its stream record, twice without a duplicate', async () => {
    // Given a commit
    const stream = newStream();
    const centre = { centreId: 'ctr_recovery-1', department: '01', region: '84' };
    const result = await newStore().append(stream, 0, [registered('r1'), registered('r2')], options({ scope: centre }));
    const reader = new HistoryIndexReader({ client: local.client, tables: local.tables, cursorSecret });
    // The append wrote no history item
    expect((await local.client.send(new ScanCommand({ TableName: local.tables.history }))).Count).toBe(0);
    await expect(reader.history({ by: { centreId: 'ctr_recovery-1' } })).resolves.toEqual({ items: [] });
    // When the consumer gets the stream record's NewImage (twice: delivery is at least once)
    const { Item } = await local.client.send(new GetItemCommand({ TableName: local.tables.events, Key: marshall({ pk: stream, sk: 1 }) }));
    const newImage = Item ?? {};
    // The commit lists its event types as a string set, for the stream filters
    expect(newImage.eventTypes?.SS).toEqual(['CandidateRegistered']);
    expect(eventsFromStreamRecord(newImage)).toEqual(result.events);
    const writer = new HistoryIndexWriter({ client: local.client, tables: local.tables });
    await writer.indexCommit(newImage);
    await writer.indexCommit(newImage);
    // Then the history holds each event once, newest first
    const page = await reader.history({ by: { centreId: 'ctr_recovery-1' } });
    expect(page.items).toEqual([...result.events].reverse());
  });
});

describe('one retry layer, the SDK’s: throttling injected inside its retry loop is survived', () => {
  /** A client built as the functions build theirs, with a fault middleware where the faults suite puts it. */
  const throttledClient = () => {
    const client = createDynamoClient({ endpoint: local.endpoint });
    const faults = { next: 0, injected: 0, attempts: new Map<string, number>() };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        faults.attempts.set(String(context.commandName), (faults.attempts.get(String(context.commandName)) ?? 0) + 1);
        if (faults.next > 0) {
          faults.next -= 1;
          faults.injected += 1;
          throw Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded.'), {
            name: 'ProvisionedThroughputExceededException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'throttleNext' },
    );
    return { client, faults };
  };

  it('records the commit once when its put is throttled twice, and reads it back through a throttled query', async () => {
    const { client, faults } = throttledClient();
    const store = new DynamoEventStore({ client, tables: local.tables });
    const stream = newStream();
    const read = await store.readStream(stream, { idempotencyKey: 'key-throttled' });
    faults.next = 2;
    faults.attempts.clear();
    const result = await store.append(stream, read.version, [registered('t')], options({ idempotencyKey: 'key-throttled' }));
    expect(result).toMatchObject({ replayed: false, commit: 1 });
    expect(faults.attempts.get('PutItemCommand')).toBe(3);
    faults.next = 1;
    expect((await store.readStream(stream)).events.map((e) => e.id)).toEqual(result.events.map((e) => e.id));
    expect(faults.injected).toBe(3);
    client.destroy();
  });

  it('never retries a refused condition: one attempt, then the conflict', async () => {
    const { client, faults } = throttledClient();
    const stream = newStream();
    const mine = new DynamoEventStore({ client, tables: local.tables });
    await mine.readStream(stream);
    await newStore().append(stream, 0, [registered('rival')], options());
    faults.attempts.clear();
    await expect(mine.append(stream, 0, [registered('late')], options())).rejects.toBeInstanceOf(ConcurrencyError);
    expect(faults.attempts.get('PutItemCommand')).toBe(1);
    client.destroy();
  });
});
