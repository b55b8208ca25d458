import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { canonicalJson } from '../../shared/eventStore/canonical.js';
import { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { GENESIS_HASH, commitHash, eventsFromStreamRecord, type CommitItem } from '../../shared/eventStore/records.js';
import { centreActor, lyon } from './fixtures.js';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

const event = (version: number): StoredEvent => ({
  id: `01JQ${String(version).padStart(22, '0')}`,
  streamId: 'session-ses_abc',
  version,
  schemaVersion: 1,
  occurredAt: '2027-03-01T09:00:00.000Z',
  recordedAt: '2027-03-01T09:00:00.000Z',
  actor: centreActor,
  scope: lyon,
  correlationId: 'c',
  causationId: 'c',
  type: 'CandidateRegistered',
  data: { candidateId: `cand_c-${version}` },
});

const commit = (sk: number, events: StoredEvent[], prevHash = GENESIS_HASH): CommitItem => {
  const body = {
    pk: 'session-ses_abc',
    sk,
    firstVersion: events[0]?.version ?? 1,
    lastVersion: events.at(-1)?.version ?? 1,
    events: JSON.stringify(events),
    region: '84',
    recordedAt: '2027-03-01T09:00:00.000Z',
    prevHash,
  };
  return { ...body, hash: commitHash(body) };
};

describe('commit records', () => {
  it('turns a stream record NewImage into its stored events, in order', () => {
    const events = [event(1), event(2)];
    expect(eventsFromStreamRecord(marshall(commit(1, events)))).toEqual(events);
  });

  it('refuses a NewImage that is not a commit', () => {
    expect(() => eventsFromStreamRecord(marshall({ pk: 'x', sk: 'not a number' }))).toThrow();
  });

  it('hashes independently of attribute order, and any change of any attribute changes the hash', () => {
    const item = commit(1, [event(1)]);
    const { hash: _h, ...body } = item;
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as typeof body;
    expect(commitHash(reordered)).toBe(item.hash);
    expect(commitHash({ ...body, sk: 2 })).not.toBe(item.hash);
    expect(commitHash({ ...body, prevHash: 'f'.repeat(64) })).not.toBe(item.hash);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    // A string set is hashed by its members, whatever their order
    expect(commitHash({ ...body, eventTypes: new Set(['B', 'A']) })).toBe(commitHash({ ...body, eventTypes: new Set(['A', 'B']) }));
    expect(commitHash({ ...body, eventTypes: new Set(['A', 'B']) })).not.toBe(commitHash({ ...body, eventTypes: new Set(['A']) }));
  });

  it('reads a stream across DynamoDB query pages', async () => {
    const first = commit(1, [event(1), event(2)]);
    const second = commit(2, [event(3)], first.hash);
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [marshall(first)], LastEvaluatedKey: marshall({ pk: 'session-ses_abc', sk: 1 }) })
      .resolvesOnce({ Items: [marshall(second)] });
    const store = new DynamoEventStore({ client: new DynamoDBClient({ region: 'eu-west-3' }), tables: { events: 'e' } });
    const read = await store.readStream('session-ses_abc');
    expect(read.version).toBe(3);
    expect(read.events.map((e) => e.version)).toEqual([1, 2, 3]);
    const calls = dynamo.commandCalls(QueryCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.ExclusiveStartKey).toEqual(marshall({ pk: 'session-ses_abc', sk: 1 }));
    expect(calls[0]?.args[0].input.ConsistentRead).toBe(true);
  });
});
