import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projector as projectorDeclaration } from '../../functions/projector/function.js';
import { consumerNameOf, parseDeadLetterFile, replayStreamDeadLetters, type StreamConsumer, type StreamDeadLetter } from '../../scripts/replay-stream-dlq.js';
import { fixedClock } from '../../shared/platform/clock.js';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { seedYear } from './fixtures.js';
import { append, eventStoreOn, lambdaEnvOn } from './support.js';

/**
 * `npm run replay-stream-dlq` against dynalite, with the real projector handler: the commits a
 * dead-letter message names (by its arrival window) are read back from the events table and run
 * through the consumer once each, in order within their stream; a second replay changes nothing.
 */
let dynamo: LocalDynamo;
let streams: string[];
let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;
const recordedAt = '2027-01-10T08:00:00.000Z';
const context = { awsRequestId: 'replay-test', functionName: 'projector', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/** A message as Lambda writes it to a stream consumer's on-failure queue: positions and times, no records. */
const deadLetter = (first: string, last: string, functionName = 'prod-tp-projector'): StreamDeadLetter => ({
  requestContext: { functionArn: `arn:aws:lambda:eu-west-3:123456789012:function:${functionName}` },
  DDBStreamBatchInfo: {
    shardId: 'shardId-00000001573689847184-864758bb',
    startSequenceNumber: '800000000003126276362',
    endSequenceNumber: '800000000003126276399',
    approximateArrivalOfFirstRecord: first,
    approximateArrivalOfLastRecord: last,
    batchSize: 100,
    streamArn: 'arn:aws:dynamodb:eu-west-3:123456789012:table/prod-tp-events/stream/2027-01-01T00:00:00.000',
  },
});

beforeAll(async () => {
  dynamo = await startDynalite('rsd');
  streams = await seedYear(eventStoreOn(dynamo, fixedClock(recordedAt)));
  // A commit recorded a month later: outside the message's window.
  await append(eventStoreOn(dynamo, fixedClock('2027-02-10T08:00:00.000Z')), 'juror-jur_late', 0, [
    {
      type: 'JurorHabilitated',
      data: {
        jurorId: 'jur_late',
        habilitationId: 'hab_late-1',
        titreCode: 'RNCP37274',
        department: '69',
        validFrom: '2026-01-01',
        validUntil: '2029-12-31',
        professionalisationDate: '2025-11-15',
      },
    },
  ]);
  // The projector's environment, as its Lambda gets it, then its module (it reads the environment when loaded).
  Object.assign(process.env, lambdaEnvOn(dynamo));
  ({ handler } = (await import('../../functions/projector/handler.js')) as unknown as { handler: typeof handler });
}, 60_000);

afterAll(() => dynamo.stop());

/** The real handler, recording the key of every record it is given. */
const recording = () => {
  const seen: string[] = [];
  const consumer: StreamConsumer = {
    eventTypes: projectorDeclaration.trigger.kind === 'stream' ? projectorDeclaration.trigger.eventTypes : [],
    handle: (event) => {
      for (const record of event.Records) seen.push(`${record.dynamodb?.Keys?.pk?.S}#${record.dynamodb?.Keys?.sk?.N}`);
      return handler(event, context);
    },
  };
  return { consumer, seen };
};

const count = async (table: string) => (await dynamo.client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;

describe('replaying a stream consumer dead letter', () => {
  it('names the consumer from the function ARN of the message', () => {
    expect(consumerNameOf('arn:aws:lambda:eu-west-3:123456789012:function:prod-tp-projector')).toBe('projector');
    expect(consumerNameOf('arn:aws:lambda:eu-west-3:000000000000:function:local-tp-notifier:$LATEST')).toBe('notifier');
  });

  it('given two overlapping messages, when replayed, then each commit of their window runs through the projector once, in order per stream, and nothing outside the window', async () => {
    const { consumer, seen } = recording();
    const messages = [deadLetter('2027-01-10T08:00:00Z', '2027-01-10T08:00:01Z'), deadLetter('2027-01-10T07:59:59Z', '2027-01-10T08:00:00Z')];
    const report = await replayStreamDeadLetters('projector', consumer, messages, { client: dynamo.client, eventsTable: dynamo.tables.events });

    const seeded = (await count(dynamo.tables.events)) - 1;
    expect(report).toMatchObject({ consumer: 'projector', messages: 2, commits: seeded, handled: seeded, failed: [] });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.some((key) => key.startsWith('juror-jur_late#'))).toBe(false);
    for (const stream of new Set(seen.map((key) => key.split('#')[0]))) {
      const versions = seen.filter((key) => key.startsWith(`${stream}#`)).map((key) => Number(key.split('#')[1]));
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
    // The three parts of the consumer ran: views, history index, due dates.
    const views = new DynamoViews(dynamo.client, dynamo.tables.views);
    for (const stream of streams) expect(await views.load(stream), stream).toBeDefined();
    expect(await count(dynamo.tables.history)).toBeGreaterThan(0);
    expect(await count(dynamo.tables.deadlines)).toBeGreaterThan(0);
  });

  it('given the same message replayed again, then the tables the consumer writes are unchanged (idempotent)', async () => {
    const scan = async () =>
      Object.fromEntries(
        await Promise.all(
          (['views', 'history', 'deadlines'] as const).map(
            async (table) => [table, (await dynamo.client.send(new ScanCommand({ TableName: dynamo.tables[table], ConsistentRead: true }))).Items] as const,
          ),
        ),
      );
    const before = await scan();
    const { consumer } = recording();
    const report = await replayStreamDeadLetters('projector', consumer, [deadLetter('2027-01-10T08:00:00Z', '2027-01-10T08:00:00Z')], {
      client: dynamo.client,
      eventsTable: dynamo.tables.events,
    });
    expect(report.failed).toEqual([]);
    expect(report.handled).toBeGreaterThan(0);
    const after = await scan();
    for (const table of ['views', 'history', 'deadlines'] as const) {
      const whole = (item: Record<string, unknown>) => JSON.stringify(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)));
      expect(after[table]?.map(whole).sort(), table).toEqual(before[table]?.map(whole).sort());
    }
  });

  it('given a commit that fails again, then it and the later commits of its stream are reported, and the other streams are handled', async () => {
    const target = streams.find((stream) => stream.startsWith('session-')) ?? '';
    const { consumer } = recording();
    const failing: StreamConsumer = {
      ...consumer,
      handle: async (event) => {
        const record = event.Records[0];
        if (record?.dynamodb?.Keys?.pk?.S === target && record.dynamodb.Keys.sk?.N === '1')
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber ?? '' }] };
        return consumer.handle(event);
      },
    };
    const report = await replayStreamDeadLetters('projector', failing, [deadLetter('2027-01-10T08:00:00Z', '2027-01-10T08:00:00Z')], {
      client: dynamo.client,
      eventsTable: dynamo.tables.events,
    });
    expect(report.failed[0]).toBe(`${target}#1`);
    expect(report.failed.every((key) => key.startsWith(`${target}#`))).toBe(true);
    expect(report.handled + report.failed.length).toBe(report.commits);
  });

  it('reads messages from a file of JSON lines, as the offline change feed writes its dead letters, and refuses a line of another shape', () => {
    const lines = [deadLetter('2027-01-10T08:00:00Z', '2027-01-10T08:00:00Z'), deadLetter('2027-01-11T08:00:00Z', '2027-01-11T08:00:00Z')].map((m) => JSON.stringify(m)).join('\n');
    expect(parseDeadLetterFile(lines)).toHaveLength(2);
    expect(() => parseDeadLetterFile('{"queue":"local-mail-retry"}')).toThrow();
  });
});
