import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import s3rverAccounts from 's3rver/lib/models/account.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../shared/aws/s3.js';
import { indexedStore } from '../support/indexedStore.js';
import { commitHash, type CommitItem } from '../../shared/eventStore/records.js';
import { digestSchema } from '../../shared/integrity/digestSchema.js';
import { digestSha256 } from '../../shared/integrity/digest.js';
import { DynamoCommitSource, S3DigestArchive, verifyStore, writeDailyDigest, writeMissedDigests } from '../../shared/integrity/index.js';
import type { Clock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { append, scope, startS3, type LocalS3 } from '../reactions/support.js';

/** A clock the test moves from day to day. */
const movable = (start: string) => {
  let now = new Date(start);
  const clock: Clock = { now: () => new Date(now) };
  return { clock, set: (at: string) => (now = new Date(at)) };
};

const registered = (n: number) => ({ type: 'CandidateRegistered' as const, data: { candidateId: `cand_t-${n}` } });

let dynamo: LocalDynamo;
let s3: LocalS3;
let source: DynamoCommitSource;
let archive: S3DigestArchive;
const commands: string[] = [];
const time = movable('2027-03-01T09:00:00Z');

beforeAll(async () => {
  dynamo = await startDynalite('tamper');
  s3 = await startS3('pv-tamper');
  // s3rver knows one key pair; the project's offline clients sign with local/local (as infra/offline/emulators.ts registers).
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair('local', 'local');
  // Every command the digest sends is recorded, to prove the daily path never scans.
  dynamo.client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  // Indexed at once: the digest finds the day's streams through the history index.
  const store = indexedStore({ client: dynamo.client, tables: dynamo.tables, clock: time.clock });
  source = new DynamoCommitSource(dynamo.client, dynamo.tables);
  archive = new S3DigestArchive(createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 }), s3.bucket);

  // Day 1: three streams; day 2: two of them move on, a fourth starts.
  await append(store, 'session-ses_a', 0, [registered(1)]);
  await append(store, 'session-ses_a', 1, [registered(2), registered(3)]);
  await append(store, 'session-ses_b', 0, [registered(4)], scope('ctr_grenoble', '38'));
  await append(store, 'juror-jur_c', 0, [registered(5)]);
  time.set('2027-03-02T10:00:00Z');
  await append(store, 'session-ses_a', 3, [registered(6)]);
  await append(store, 'session-ses_b', 1, [registered(7)], scope('ctr_grenoble', '38'));
  await append(store, 'session-ses_d', 0, [registered(8)]);
  time.set('2027-03-03T03:30:00Z');
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
  await s3?.stop();
});

const readDigest = async (day: string) => digestSchema.parse(JSON.parse((await archive.read(day)) ?? 'null'));

describe('daily digest of the event store, written to the PV bucket', () => {
  it('given two days of commits, when each day is digested, then each lists exactly the streams changed that day with every commit hash of the day, chained to the day before', async () => {
    commands.length = 0;
    const first = await writeDailyDigest(source, archive, '2027-03-01', time.clock);
    const second = await writeDailyDigest(source, archive, '2027-03-02', time.clock);
    expect(first).toMatchObject({ written: true, streams: 3, commits: 4 });
    expect(second).toMatchObject({ written: true, streams: 3, commits: 3 });
    const day1 = await readDigest('2027-03-01');
    const day2 = await readDigest('2027-03-02');
    expect(day1.streams.map((s) => [s.streamId, s.commits.map((c) => c.commit)])).toEqual([
      ['juror-jur_c', [1]],
      ['session-ses_a', [1, 2]],
      ['session-ses_b', [1]],
    ]);
    expect(day2.streams.map((s) => [s.streamId, s.lastCommit])).toEqual([
      ['session-ses_a', 3],
      ['session-ses_b', 2],
      ['session-ses_d', 1],
    ]);
    expect(day1.previousDigestSha256).toBeUndefined();
    expect(day2.previousDigestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(commands).not.toContain('ScanCommand');
  });

  it('a repeated firing for a day already digested writes nothing new', async () => {
    const before = await archive.read('2027-03-01');
    time.set('2027-03-03T05:00:00Z');
    const again = await writeDailyDigest(source, archive, '2027-03-01', time.clock);
    expect(again).toMatchObject({ written: false, streams: 3 });
    expect(await archive.read('2027-03-01')).toBe(before);
  });

  it('an untouched store verifies against the digests, every stream and commit counted', async () => {
    const result = await verifyStore(source, archive, { allStreams: true });
    expect(result).toMatchObject({ ok: true, digests: 2, streams: 4, commits: 7, findings: [] });
  });
});

describe('a commit changed behind the store’s back is named', () => {
  it('when the events of commit 2 of a stream are edited in the table, then verify-store names that stream and commit 2, and nothing else', async () => {
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: dynamo.tables.events,
        Key: marshall({ pk: 'session-ses_a', sk: 2 }),
        UpdateExpression: 'SET events = :events',
        ExpressionAttributeValues: marshall({ ':events': '[]' }),
      }),
    );
    const result = await verifyStore(source, archive);
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => [f.streamId, f.commit])).toEqual([['session-ses_a', 2]]);
    expect(result.findings[0]?.reason).toContain('modifié');
  });

  it('when a forger rewrites commit 1 of another stream and recomputes every hash after it, the chain looks whole but the digests name commit 1 and the commit after it', async () => {
    let prevHash = '0'.repeat(64);
    for (const raw of await source.commits('session-ses_b')) {
      const forged = { ...(raw as CommitItem), prevHash } as CommitItem;
      if (forged.sk === 1) forged.events = forged.events.replace('cand_t-4', 'cand_t-X');
      const rehashed = { ...forged, hash: commitHash(forged) };
      await dynamo.client.send(new PutItemCommand({ TableName: dynamo.tables.events, Item: marshall(rehashed) }));
      prevHash = rehashed.hash;
    }
    const result = await verifyStore(source, archive);
    const named = result.findings.filter((f) => f.streamId === 'session-ses_b');
    expect(named.map((f) => f.commit)).toEqual([1, 2]);
    expect(named[0]?.reason).toContain('réécrit');
  });

  it('when a digested commit is deleted, it is named as gone', async () => {
    await dynamo.client.send(new DeleteItemCommand({ TableName: dynamo.tables.events, Key: marshall({ pk: 'session-ses_d', sk: 1 }) }));
    const result = await verifyStore(source, archive);
    expect(result.findings.filter((f) => f.streamId === 'session-ses_d')).toEqual([
      { streamId: 'session-ses_d', commit: 1, reason: expect.stringContaining('disparu') as unknown as string },
    ]);
  });

  it('when a day has no digest between two that do (its run failed), verify-store names the missing days', async () => {
    time.set('2027-03-06T03:30:00Z');
    await writeDailyDigest(source, archive, '2027-03-05', time.clock);

    const result = await verifyStore(source, archive);

    expect(result.ok).toBe(false);
    expect(result.findings.filter((f) => f.streamId.startsWith('digests/'))).toEqual([
      {
        streamId: 'digests/2027-03-05',
        commit: 0,
        reason: 'Les empreintes journalières du 2027-03-03 au 2027-03-04 manquent : les commits de ces jours ne sont couverts par aucune empreinte.',
      },
    ]);
  });

  it('when the daily function runs after days without a run, it digests each missed day, oldest first and chained, then nothing on a repeated firing', async () => {
    time.set('2027-03-09T03:30:00Z');

    const outcomes = await writeMissedDigests(source, archive, '2027-03-08', time.clock);
    const again = await writeMissedDigests(source, archive, '2027-03-08', time.clock);

    expect(outcomes.map((outcome) => [outcome.day, outcome.written])).toEqual([
      ['2027-03-06', true],
      ['2027-03-07', true],
      ['2027-03-08', true],
    ]);
    expect(again).toEqual([]);
    expect((await readDigest('2027-03-06')).previousDigestSha256).toBe(digestSha256((await archive.read('2027-03-05')) ?? ''));
    expect((await readDigest('2027-03-08')).previousDigestSha256).toBe(digestSha256((await archive.read('2027-03-07')) ?? ''));
  });
});
