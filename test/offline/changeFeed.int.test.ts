import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OfflineRuntime } from '../../infra/offline/index.js';
import { consumerNameOf, streamDeadLetterSchema } from '../../scripts/replay-stream-dlq.js';
import { control, resetControl } from './fixtures/control.js';
import { boot, eventually, temporaryDataDir } from './support.js';

let runtime: OfflineRuntime;
let data: Awaited<ReturnType<typeof temporaryDataDir>>;

beforeAll(async () => {
  data = await temporaryDataDir();
  runtime = await boot(data.path);
});
afterAll(async () => {
  await runtime.stop();
  await data.remove();
});
beforeEach(() => resetControl());

type Commit = { pk: string; sk: number; types: string[] };
const append = async (commits: Commit[]) => {
  const response = await fetch(`${runtime.urls.app}/commits`, { method: 'POST', body: JSON.stringify(commits) });
  expect(response.status).toBe(201);
};
const keyOf = (record: DynamoDBRecord) => `${record.dynamodb?.Keys?.pk?.S}#${record.dynamodb?.Keys?.sk?.N}`;
const delivered = () => control.batches.flat().map(keyOf);
const count = (key: string) => delivered().filter((k) => k === key).length;

describe('the change feed (DynamoDB stream stand-in)', () => {
  it('given commits of several streams, then each matching commit arrives once, as an INSERT with its new image, in order per stream, in batches of the declared size; the others are filtered out', async () => {
    await append([
      { pk: 'session-a', sk: 1, types: ['SessionCreated'] },
      { pk: 'session-a', sk: 2, types: ['CandidateRegistered'] },
      { pk: 'session-b', sk: 1, types: ['SessionCreated', 'CandidateRegistered'] },
      { pk: 'session-a', sk: 3, types: ['PVSigned'] },
      { pk: 'session-b', sk: 2, types: ['PVSigned'] },
      { pk: 'session-a', sk: 4, types: ['SessionCreated'] },
      { pk: 'session-c', sk: 1, types: ['JuryAssigned'] },
    ]);
    await runtime.drain();
    const keys = delivered();
    expect([...keys].sort()).toEqual(['session-a#1', 'session-a#3', 'session-a#4', 'session-b#1', 'session-b#2']);
    for (const stream of ['session-a', 'session-b']) {
      const sks = keys.filter((k) => k.startsWith(`${stream}#`)).map((k) => Number(k.split('#')[1]));
      expect(sks).toEqual([...sks].sort((x, y) => x - y));
    }
    expect(control.batches.every((batch) => batch.length >= 1 && batch.length <= 3)).toBe(true);
    const record = control.batches[0]?.[0];
    expect(record?.eventName).toBe('INSERT');
    expect(record?.eventSource).toBe('aws:dynamodb');
    expect(record?.dynamodb?.StreamViewType).toBe('NEW_IMAGE');
    expect(record?.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
    expect(record?.dynamodb?.NewImage?.eventTypes?.SS).toBeDefined();
    expect(record?.eventSourceARN).toContain(runtime.tables.events);
  });

  it('when a record is reported in batchItemFailures, then it and the later records of its stream come again, and nothing else does', async () => {
    control.failures.set('session-f#2', 1);
    await append([
      { pk: 'session-f', sk: 1, types: ['SessionCreated'] },
      { pk: 'session-f', sk: 2, types: ['SessionCreated'] },
      { pk: 'session-f', sk: 3, types: ['PVSigned'] },
      { pk: 'session-g', sk: 1, types: ['SessionCreated'] },
    ]);
    await runtime.drain();
    expect(count('session-f#1')).toBe(1);
    expect(count('session-f#2')).toBe(2);
    expect(count('session-g#1')).toBe(1);
    // The retry starts at the failed record: f#2 comes back before f#3 is acknowledged.
    const keys = delivered();
    expect(keys.lastIndexOf('session-f#2')).toBeLessThan(keys.lastIndexOf('session-f#3'));
    expect(count('session-f#3')).toBeGreaterThanOrEqual(1);
  });

  it('when a record keeps failing, then after the maximum attempts it goes to the dead-letter file and its stream moves on', async () => {
    control.failures.set('session-d#1', 100);
    await append([
      { pk: 'session-d', sk: 1, types: ['SessionCreated'] },
      { pk: 'session-d', sk: 2, types: ['PVSigned'] },
    ]);
    await runtime.drain();
    expect(count('session-d#1')).toBe(3);
    const lines = (await readFile(join(runtime.deadLetterDir, 'streamRecorder.jsonl'), 'utf8')).trim().split('\n');
    const dead = lines.map((line) => JSON.parse(line) as { records: DynamoDBRecord[] }).flatMap((entry) => entry.records.map(keyOf));
    expect(dead).toContain('session-d#1');
    // Each line also says what Lambda's on-failure message says, so `npm run replay-stream-dlq -- --offline` reads it.
    const message = streamDeadLetterSchema.parse(JSON.parse(lines.at(-1) ?? '{}'));
    expect(consumerNameOf(message.requestContext.functionArn)).toBe('streamRecorder');
    expect(message.DDBStreamBatchInfo.startSequenceNumber).not.toBe('');
    resetControl();
    await append([{ pk: 'session-d', sk: 3, types: ['SessionCreated'] }]);
    await runtime.drain();
    expect(delivered()).toEqual(['session-d#3']);
  });

  it('when the runtime is stopped and started again, then it resumes from its checkpoint: nothing acknowledged comes again, nothing pending is lost', async () => {
    await append([{ pk: 'session-r', sk: 1, types: ['SessionCreated'] }]);
    await runtime.drain();
    // Appended right before the stop: maybe delivered, maybe not yet.
    await append([
      { pk: 'session-r', sk: 2, types: ['PVSigned'] },
      { pk: 'session-s', sk: 1, types: ['SessionCreated'] },
    ]);
    await runtime.stop();
    const beforeRestart = delivered();
    runtime = await boot(data.path, { ports: runtime.ports });
    await runtime.drain();
    const all = delivered();
    expect(all.filter((k) => k === 'session-r#1')).toHaveLength(1);
    expect(all.filter((k) => k === 'session-r#2')).toHaveLength(1);
    expect(all.filter((k) => k === 'session-s#1')).toHaveLength(1);
    expect(beforeRestart.every((key) => all.filter((k) => k === key).length === 1)).toBe(true);
    expect(all.some((k) => k.startsWith('session-a#') || k.startsWith('session-f#'))).toBe(false);
  });

  it('when the process dies in the middle of a batch, then after a restart that batch is delivered again and nothing is lost', async () => {
    control.hangNext = true;
    await append([
      { pk: 'session-k', sk: 1, types: ['SessionCreated'] },
      { pk: 'session-k', sk: 2, types: ['PVSigned'] },
    ]);
    await eventually(() => control.batches.length > 0);
    const inFlight = delivered();
    expect(inFlight[0]).toBe('session-k#1');
    await runtime.crash();
    runtime = await boot(data.path, { ports: runtime.ports });
    await runtime.drain();
    // The batch that never finished comes again; whatever was not in it comes once.
    expect(count('session-k#1')).toBe(2);
    expect(count('session-k#2')).toBe(inFlight.includes('session-k#2') ? 2 : 1);
    await runtime.stop();
    runtime = await boot(data.path, { ports: runtime.ports });
    await runtime.drain();
    expect(count('session-k#1')).toBe(2);
  });
});
