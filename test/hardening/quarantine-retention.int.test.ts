import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../shared/aws/s3.js';
import { indexedStore, type IndexedStore } from '../support/indexedStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import { purgeExpired, retentionSettingsOf, S3PvObjects, StoreRecordedEvents } from '../../shared/retention/index.js';
import { PvIntake } from '../../shared/vault/intake.js';
import { QUARANTINE_PREFIX } from '../../shared/vault/keys.js';
import { PvUploads, PvVault } from '../../shared/vault/vault.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { sessionCreated } from '../reactions/fixtures.js';
import { append } from '../reactions/support.js';
import { startBuckets, type LocalBuckets } from '../support/buckets.js';
import { noPersonalData } from './support/personalData.js';

/**
 * Files the PV intake quarantined (not a PDF, here) are deleted `quarantineDays` after their
 * quarantine, found by their `PVDocumentQuarantined` event in the history index, like the PVs;
 * a stored PV of the same day stays. Quarantine is in the upload bucket, which has no Object Lock
 * (in AWS too), so the purge's delete is final; the vault never holds a rejected file. Real
 * intake, event store (dynalite) and both buckets (s3rver behind the project's S3 rules).
 */
const DAY = 86_400_000;
let now = new Date('2027-02-01T08:00:00Z');
const clock: Clock = { now: () => new Date(now) };
let dynamo: LocalDynamo;
let s3: LocalBuckets;
let store: IndexedStore;
let s3Client: ReturnType<typeof createS3Client>;
let intake: PvIntake;
const settings = retentionSettingsOf({ quarantineDays: 30, catchUpDays: 31 });

const exists = (key: string, bucket = s3.uploads) =>
  s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );

/** An upload for the session that is not a PDF: the intake moves it under quarantine/ and records why. */
const quarantineUpload = async (sessionId: string, sha: string) => {
  const key = `pv/${sessionId}/${sha}.pdf`;
  await s3Client.send(new PutObjectCommand({ Bucket: s3.uploads, Key: key, Body: 'not a pdf at all', ContentType: 'application/pdf' }));
  const outcome = await intake.onObjectCreated({ key });
  expect(outcome).toMatchObject({ outcome: 'quarantined', reason: 'not-pdf', quarantineKey: `${QUARANTINE_PREFIX}${key}` });
  return `${QUARANTINE_PREFIX}${key}`;
};

beforeAll(async () => {
  dynamo = await startDynalite('quarantine');
  s3 = await startBuckets('quarantine');
  s3Client = createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 });
  store = indexedStore({ client: dynamo.client, tables: dynamo.tables, clock });
  intake = new PvIntake(new PvUploads(s3Client, s3.uploads), new PvVault(s3Client, s3.vault), store, clock);
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
  await s3?.stop();
});

describe('retention of quarantined PV files', () => {
  it('given a file quarantined on 1 February and another on 20 February, when the purge runs, then each is deleted once past 30 days, a stored PV stays, reruns change nothing and a missed run is caught up', async () => {
    await append(store, 'session-ses_q1', 0, [sessionCreated('ses_q1')]);
    await append(store, 'session-ses_q2', 0, [sessionCreated('ses_q2')]);
    const pvKey = `pv/ses_q1/${'c'.repeat(64)}.pdf`;
    await new PvVault(s3Client, s3.vault).keep(pvKey, Buffer.from('%PDF-1.7 kept'), createHash('sha256').update('%PDF-1.7 kept').digest('hex'));

    now = new Date('2027-02-01T08:00:00Z');
    const first = await quarantineUpload('ses_q1', 'a'.repeat(64));
    await store.append(
      'session-ses_q1',
      (await store.readStream('session-ses_q1')).version,
      [{ type: 'PVDocumentStored', data: { revision: 1, objectKey: pvKey, versionId: 'etag:"kept"', sha256: 'c'.repeat(64), sizeBytes: 13 } }],
      {
        actor: { role: 'system', id: 'test', scope: {} },
        scope: { centreId: 'ctr_lyon-1', department: '69', region: '84' },
        correlationId: 'c',
        causationId: 'c',
        occurredAt: clock.now(),
      },
    );
    now = new Date('2027-02-20T08:00:00Z');
    const second = await quarantineUpload('ses_q2', 'b'.repeat(64));
    expect((await store.readStream('session-ses_q1')).events.filter((e) => e.type === 'PVDocumentQuarantined').map((e) => e.data)).toEqual([
      { objectKey: first, reason: 'not-pdf' },
    ]);
    const deps = {
      events: new StoreRecordedEvents(store),
      personalData: noPersonalData,
      pv: new S3PvObjects(s3Client, { vault: s3.vault, uploads: s3.uploads }),
      clock,
    };
    const runOn = async (day: number, from = new Date('2027-02-01T08:00:00Z')) => {
      now = new Date(from.getTime() + day * DAY);
      return purgeExpired(deps, settings);
    };

    expect(await runOn(29)).toMatchObject({ quarantinedFilesDeleted: 0, failures: 0 });
    expect(await exists(first)).toBe(true);
    expect(await exists(first, s3.vault)).toBe(false);

    expect(await runOn(31)).toMatchObject({ quarantinedFilesDeleted: 1, failures: 0 });
    expect(await exists(first)).toBe(false);
    expect(await exists(second)).toBe(true);
    expect(await exists(pvKey, s3.vault)).toBe(true);

    expect(await runOn(32)).toMatchObject({ quarantinedFilesDeleted: 0, failures: 0 });

    // No run for weeks: the next one, 45 days after the second quarantine, still finds it (catch-up window).
    expect(await runOn(45, new Date('2027-02-20T08:00:00Z'))).toMatchObject({ quarantinedFilesDeleted: 1, failures: 0 });
    expect(await exists(second)).toBe(false);
    expect(await exists(pvKey, s3.vault)).toBe(true);
    expect(await store.verify('session-ses_q1')).toMatchObject({ ok: true });
  });
});
