import { DeleteObjectCommand, HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventType, StoredEvent } from '../../events/index.js';
import type { Clock } from '../../shared/platform/clock.js';
import { ENV, tableEnv } from '../../shared/platform/env.js';
import { purgeExpired, RETENTION_ENV, retentionSettingsOf, S3PvObjects, type RetentionSettings } from '../../shared/retention/index.js';
import type { PersonalDataEraser, PvObjects, RecordedEvents } from '../../shared/retention/purge.js';
import { retentionOf } from '../../shared/retention/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { retentionPurge } from '../../functions/retentionPurge/function.js';
import { noPersonalData } from './support/personalData.js';

/**
 * Retention of quarantined PV files, over fakes: which window is read, what is deleted, how a rerun
 * and a failure count. The same against dynalite and s3rver: quarantine-retention.int.test.ts.
 */
const DAY = 86_400_000;
const settings: RetentionSettings = retentionSettingsOf({ quarantineDays: 30, catchUpDays: 31 });

/** Events with the time they were recorded; only `type`, `data` and the time matter to the purge. */
const recorded = (type: EventType, data: Record<string, unknown>, at: string) => ({ event: { type, data } as unknown as StoredEvent, at: new Date(at) });

const eventsOf = (items: ReturnType<typeof recorded>[]) => {
  const asked: { types: readonly EventType[]; from: Date; to: Date }[] = [];
  const events: RecordedEvents = {
    async *recordedBetween(types, from, to) {
      asked.push({ types, from, to });
      for (const { event, at } of items) if (types.includes(event.type) && at >= from && at <= to) yield await Promise.resolve(event);
    },
  };
  return { events, asked };
};

/** A bucket of keys; `failOn` keys throw. */
const bucketOf = (keys: string[], failOn: string[] = []) => {
  const present = new Set(keys);
  const pv: PvObjects = {
    delete: (key) => {
      present.delete(key);
      return Promise.resolve();
    },
    deleteQuarantined: (key) => {
      if (failOn.includes(key)) return Promise.reject(new Error('SlowDown'));
      return Promise.resolve(present.delete(key));
    },
  };
  return { pv, present };
};

const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const key = (n: number) => `quarantine/pv/ses_q${n}/${String(n).repeat(64)}.pdf`;
const quarantined = (n: number, when: string) => recorded('PVDocumentQuarantined', { objectKey: key(n), reason: 'not-pdf' }, when);

describe('retention of quarantined PV files', () => {
  it('reads RETENTION_QUARANTINE_DAYS, 30 days when unset, and refuses 0', () => {
    expect(RETENTION_ENV.quarantineDays).toBe('RETENTION_QUARANTINE_DAYS');
    expect(retentionSettingsOf({}).quarantineDays).toBe(30);
    const env: NodeJS.ProcessEnv = {
      [tableEnv.events]: 'e',
      [tableEnv.history]: 'h',
      [tableEnv.personalData]: 'p',
      [ENV.PV_BUCKET]: 'b',
      [ENV.UPLOAD_BUCKET]: 'u',
      [ENV.STAGE]: 'test',
      [ENV.APP_URL]: 'https://sessions.example',
    };
    const retention = (source: NodeJS.ProcessEnv) => retentionOf(configOf(retentionPurge, source));
    expect(retention({ ...env, [RETENTION_ENV.quarantineDays]: '45' }).settings.quarantineDays).toBe(45);
    expect(() => retention({ ...env, [RETENTION_ENV.quarantineDays]: '0' })).toThrow(/RETENTION_QUARANTINE_DAYS/);
  });

  it('given files quarantined 40, 31 and 29 days ago, when the purge runs, then it reads the window from cutoff minus the catch-up to the cutoff and deletes only the two past it', async () => {
    const now = '2027-06-01T04:00:00.000Z';
    const ago = (days: number) => new Date(new Date(now).getTime() - days * DAY).toISOString();
    const { events, asked } = eventsOf([quarantined(1, ago(40)), quarantined(2, ago(31)), quarantined(3, ago(29))]);
    const { pv, present } = bucketOf([key(1), key(2), key(3)]);

    const report = await purgeExpired({ events, personalData: noPersonalData, pv, clock: at(now) }, settings);

    expect(report).toMatchObject({ quarantineBefore: ago(30), quarantinedFilesDeleted: 2, failures: 0 });
    expect([...present]).toEqual([key(3)]);
    const window = asked.find((a) => a.types.includes('PVDocumentQuarantined'));
    expect(window).toEqual({ types: ['PVDocumentQuarantined'], from: new Date(ago(30 + 31)), to: new Date(ago(30)) });
  });

  it('given a quarantined file already deleted by an earlier run, when the purge runs again, then it counts nothing and fails nothing', async () => {
    const { events } = eventsOf([quarantined(1, '2027-01-01T00:00:00.000Z')]);
    const { pv } = bucketOf([key(1)]);
    const deps = { events, personalData: noPersonalData, pv, clock: at('2027-02-05T04:00:00.000Z') };

    expect(await purgeExpired(deps, settings)).toMatchObject({ quarantinedFilesDeleted: 1, failures: 0 });
    expect(await purgeExpired(deps, settings)).toMatchObject({ quarantinedFilesDeleted: 0, failures: 0 });
  });

  it('given one deletion failing, when the purge runs, then the others are deleted and the failure is counted for the next runs', async () => {
    const { events } = eventsOf([quarantined(1, '2027-01-01T00:00:00.000Z'), quarantined(2, '2027-01-02T00:00:00.000Z')]);
    const { pv, present } = bucketOf([key(1), key(2)], [key(1)]);

    const report = await purgeExpired({ events, personalData: noPersonalData, pv, clock: at('2027-02-05T04:00:00.000Z') }, settings);

    expect(report).toMatchObject({ quarantinedFilesDeleted: 1, failures: 1 });
    expect([...present]).toEqual([key(1)]);
  });

  it('given a stored PV recorded as long ago as a quarantined file, when the purge runs, then the PV is kept (its own period applies)', async () => {
    const pvKey = `pv/ses_q9/${'9'.repeat(64)}.pdf`;
    const { events } = eventsOf([
      recorded('PVDocumentStored', { revision: 1, objectKey: pvKey, versionId: 'v1', sha256: '9'.repeat(64), sizeBytes: 10 }, '2027-01-01T00:00:00.000Z'),
      quarantined(1, '2027-01-01T00:00:00.000Z'),
    ]);
    const { pv, present } = bucketOf([pvKey, key(1)]);

    const report = await purgeExpired({ events, personalData: noPersonalData, pv, clock: at('2027-02-05T04:00:00.000Z') }, settings);

    expect(report).toMatchObject({ pvFilesDeleted: 0, quarantinedFilesDeleted: 1 });
    expect([...present]).toEqual([pvKey]);
  });
});

describe('retention of a candidate with a fraud report', () => {
  const personalSettings = retentionSettingsOf({ personalDataDays: 30, catchUpDays: 31 });
  const now = '2027-06-01T04:00:00.000Z';
  const ago = (days: number) => new Date(new Date(now).getTime() - days * DAY).toISOString();
  const peopleOf = (holds: { candidateId: string; since: string }[] = [], failHolds = false) => {
    const erased: string[] = [];
    const held = new Map(holds.map((hold) => [hold.candidateId, hold]));
    const personalData: PersonalDataEraser = {
      eraseCandidate: (candidateId) => {
        erased.push(candidateId);
        return Promise.resolve();
      },
      holdCandidate: (hold) => {
        held.set(hold.candidateId, hold);
        return Promise.resolve();
      },
      candidateHolds: async function* () {
        if (failHolds) throw new Error('ProvisionedThroughputExceededException');
        yield* await Promise.resolve([...held.values()]);
      },
      releaseCandidateHold: (candidateId) => {
        held.delete(candidateId);
        return Promise.resolve();
      },
    };
    return { personalData, erased, held };
  };
  const registered = (candidateIds: string[], at: string) => recorded('SessionCreated', { candidateIds }, at);
  const fraud = (candidateId: string, at: string) => recorded('FraudReported', { candidateId }, at);
  const sanction = (candidateId: string, at: string) => recorded('SanctionNotified', { candidateId }, at);
  const { pv } = bucketOf([]);

  it('given two fraud reports on a candidate and one sanction notified, when the purge runs past the period, then the candidate is held (one report still awaits) and the hold remembers from when frauds are read', async () => {
    const { events } = eventsOf([registered(['cand_a', 'cand_b'], ago(40)), fraud('cand_a', ago(39)), fraud('cand_a', ago(38)), sanction('cand_a', ago(20))]);
    const { personalData, erased, held } = peopleOf();

    const report = await purgeExpired({ events, personalData, pv, clock: at(now) }, personalSettings);

    expect(report).toMatchObject({ candidatesErased: 1, candidatesHeld: 1, failures: 0 });
    expect(erased).toEqual(['cand_b']);
    expect([...held.values()]).toEqual([{ candidateId: 'cand_a', since: ago(30 + 31) }]);
  });

  it('given a hold older than the catch-up window, when the purge runs, then the frauds are read from the hold on, and a candidate whose reports are all decided is erased and released', async () => {
    const { events, asked } = eventsOf([fraud('cand_c', ago(300)), sanction('cand_c', ago(2))]);
    const { personalData, erased, held } = peopleOf([{ candidateId: 'cand_c', since: ago(310) }]);

    const report = await purgeExpired({ events, personalData, pv, clock: at(now) }, personalSettings);

    expect(report).toMatchObject({ candidatesErased: 1, candidatesHeld: 0, failures: 0 });
    expect(erased).toEqual(['cand_c']);
    expect(held.size).toBe(0);
    expect(asked.find((a) => a.types.includes('FraudReported'))).toEqual({ types: ['FraudReported', 'SanctionNotified'], from: new Date(ago(310)), to: new Date(now) });
  });

  it('given the holds cannot be read, when the purge runs, then it fails before erasing anyone (any of them could be held)', async () => {
    const { events } = eventsOf([registered(['cand_d'], ago(40))]);
    const { personalData, erased } = peopleOf([], true);

    await expect(purgeExpired({ events, personalData, pv, clock: at(now) }, personalSettings)).rejects.toThrow(/Throughput/);
    expect(erased).toEqual([]);
  });
});

describe('S3 deletion of a quarantined file (in the upload bucket, which has no Object Lock)', () => {
  const s3 = mockClient(S3Client);
  const objects = () => new S3PvObjects(new S3Client({ region: 'eu-west-3' }), { vault: 'pv-bucket', uploads: 'uploads-bucket' });
  beforeEach(() => s3.reset());

  it('given the file is there, when deleted, then its current object is deleted (no version: the event names none) and it says so', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 10 });
    s3.on(DeleteObjectCommand).resolves({});

    expect(await objects().deleteQuarantined(key(1))).toBe(true);
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: 'uploads-bucket', Key: key(1) }]);
  });

  it('given the file is gone (404), when deleted again, then nothing is sent to delete: no new delete marker each day', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));

    expect(await objects().deleteQuarantined(key(1))).toBe(false);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('given a key outside quarantine/, when asked to delete it, then it refuses without touching S3', async () => {
    await expect(objects().deleteQuarantined(`pv/ses_q1/${'1'.repeat(64)}.pdf`)).rejects.toThrow(/not a quarantine key/);
    expect(s3.calls()).toHaveLength(0);
  });
});
