import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import s3rverAccounts from 's3rver/lib/models/account.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/principal.js';
import { createS3Client } from '../../shared/aws/s3.js';
import { indexedStore, type IndexedStore } from '../support/indexedStore.js';
import { DynamoPersonalDataStore } from '../../shared/personalData/store.js';
import type { Clock } from '../../shared/platform/clock.js';
import { purgeExpired, retentionSettingsOf, S3PvObjects, StoreRecordedEvents } from '../../shared/retention/index.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { scope, startS3, type LocalS3 } from '../reactions/support.js';

let now = new Date('2027-01-10T08:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const DAY = 86_400_000;
let dynamo: LocalDynamo;
let s3: LocalS3;
let store: IndexedStore;
let people: DynamoPersonalDataStore;
let s3Client: ReturnType<typeof createS3Client>;
const owner = { centreId: 'ctr_lyon-1', department: '69', region: '84' };
const centre: Principal = { actor: { role: 'centre', id: 'usr_lyon', scope: { centreId: 'ctr_lyon-1', department: '69', region: '84' } } } as unknown as Principal;
const systemActor = { role: 'system' as const, id: 'test', scope: {} };
const sha = 'b'.repeat(64);

const createSession = async (sessionId: string, candidateIds: string[]) =>
  store.append(
    `session-${sessionId}`,
    0,
    [
      {
        type: 'SessionCreated',
        data: {
          sessionId,
          centreId: owner.centreId,
          department: '69',
          region: '84',
          ceresReference: 'CERES-1',
          titreCode: 'RNCP37274',
          startDate: '2027-06-14',
          endDate: '2027-06-15',
          site: 'Lyon 7e',
          candidateIds,
          createdOn: '2027-01-10',
          creationDeadline: '2027-03-14',
          late: false,
        },
      },
    ],
    { actor: systemActor, scope: scope(), correlationId: 'c', causationId: 'c', occurredAt: clock.now() },
  );

beforeAll(async () => {
  dynamo = await startDynalite('pii');
  s3 = await startS3('pv-pii');
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair('local', 'local');
  s3Client = createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 });
  store = indexedStore({ client: dynamo.client, tables: dynamo.tables, clock });
  people = new DynamoPersonalDataStore(dynamo.client, dynamo.tables.personalData);
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
  await s3?.stop();
});

describe('right to erasure: personal data lives outside the event log', () => {
  it('given a session with two candidates and an accommodation, when one candidate is erased, then their identity and adaptation are gone, the other stays, the events are all there and the hash chain still verifies', async () => {
    await createSession('ses_erase', ['cand_e-1', 'cand_e-2']);
    await people.saveCandidates(owner, [
      { candidateId: 'cand_e-1', lastName: 'Martin', firstName: 'Léa', birthDate: '1990-03-12', email: 'lea.martin@example.org' },
      { candidateId: 'cand_e-2', lastName: 'Petit', firstName: 'Hugo', birthDate: '1988-07-21' },
    ]);
    await people.saveAccommodation(owner, { accommodationId: 'acc_e-1', candidateId: 'cand_e-1', adaptation: 'Tiers temps' });
    await store.append('session-ses_erase', 1, [{ type: 'AccommodationGranted', data: { candidateId: 'cand_e-1', accommodationId: 'acc_e-1' } }], {
      actor: systemActor,
      scope: scope(),
      correlationId: 'c',
      causationId: 'c',
      occurredAt: clock.now(),
    });
    const before = await store.readStream('session-ses_erase');

    await people.eraseCandidate('cand_e-1');

    const identities = await people.readCandidates(centre, ['cand_e-1', 'cand_e-2']);
    expect([...identities.keys()]).toEqual(['cand_e-2']);
    expect(await people.readAccommodations(centre, ['cand_e-1'])).toEqual([]);
    const after = await store.readStream('session-ses_erase');
    expect([after.version, after.events]).toEqual([before.version, before.events]);
    expect(JSON.stringify(after.events)).not.toMatch(/Martin|Léa|lea\.martin|Tiers temps/);
    expect(await store.verify('session-ses_erase')).toEqual({ ok: true, commits: 2 });
  });
});

describe('retention: personal data and PV copies purged past their period', () => {
  it('reads its periods from settings, with defaults when unset', () => {
    expect(retentionSettingsOf({})).toEqual({ personalDataDays: 730, pvDays: 1825, quarantineDays: 30, catchUpDays: 31 });
    expect(retentionSettingsOf({ personalDataDays: '30', pvDays: '90' })).toMatchObject({ personalDataDays: 30, pvDays: 90 });
    expect(() => retentionSettingsOf({ pvDays: '0' })).toThrow(/pvDays/);
    expect(() => retentionSettingsOf({ pvDays: '1.5', catchUpDays: '3651' })).toThrow(/pvDays, catchUpDays/);
  });

  it('given an old session with a stored PV and a recent one, when the purge runs past each period, then the old personal data goes first, the PV later, the recent session is untouched, and a second run changes nothing', async () => {
    const settings = retentionSettingsOf({ personalDataDays: 30, pvDays: 90, catchUpDays: 31 });
    now = new Date('2027-02-01T08:00:00Z');
    await createSession('ses_old', ['cand_o-1']);
    await people.saveCandidates(owner, [{ candidateId: 'cand_o-1', lastName: 'Ancien', firstName: 'Paul', birthDate: '1970-01-01' }]);
    const objectKey = `pv/ses_old/${sha}.pdf`;
    await s3Client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: objectKey, Body: '%PDF-1.7 old', ContentType: 'application/pdf' }));
    await store.append('session-ses_old', 1, [{ type: 'PVDocumentStored', data: { revision: 1, objectKey, versionId: 'etag:"abc"', sha256: sha, sizeBytes: 12 } }], {
      actor: systemActor,
      scope: scope(),
      correlationId: 'c',
      causationId: 'c',
      occurredAt: clock.now(),
    });
    now = new Date('2027-02-20T08:00:00Z');
    await createSession('ses_new', ['cand_n-1']);
    await people.saveCandidates(owner, [{ candidateId: 'cand_n-1', lastName: 'Récent', firstName: 'Anne', birthDate: '1999-01-01' }]);
    const deps = { events: new StoreRecordedEvents(store), personalData: people, pv: new S3PvObjects(s3Client, { vault: s3.bucket, uploads: s3.bucket }), clock };
    const pvExists = () =>
      s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: objectKey })).then(
        () => true,
        () => false,
      );

    now = new Date(new Date('2027-02-01T08:00:00Z').getTime() + 31 * DAY);
    const first = await purgeExpired(deps, settings);
    // The session of the erasure test (2027-01-10, two candidates) is past the period too.
    expect(first).toMatchObject({ candidatesErased: 3, pvFilesDeleted: 0, failures: 0 });
    expect([...(await people.readCandidates(centre, ['cand_o-1', 'cand_e-2', 'cand_n-1'])).keys()]).toEqual(['cand_n-1']);
    expect(await pvExists()).toBe(true);

    now = new Date(new Date('2027-02-01T08:00:00Z').getTime() + 91 * DAY);
    const second = await purgeExpired(deps, settings);
    expect(second).toMatchObject({ pvFilesDeleted: 1, failures: 0 });
    expect(await pvExists()).toBe(false);
    expect((await store.readStream('session-ses_old')).version).toBe(2);
    expect(await store.verify('session-ses_old')).toEqual({ ok: true, commits: 2 });

    const third = await purgeExpired(deps, settings);
    expect(third.failures).toBe(0);
    expect(await pvExists()).toBe(false);
  });

  it('given a candidate past the period with a fraud report awaiting the UD, when the purge runs, then their data is held (GDPR art. 17(3)(e)) while the other candidate is erased, still held past the catch-up window, and erased by the first run after the sanction is notified', async () => {
    const settings = retentionSettingsOf({ personalDataDays: 30, pvDays: 3650, catchUpDays: 31 });
    const registered = new Date('2027-04-01T08:00:00Z').getTime();
    const at = (days: number) => new Date(registered + days * DAY);
    const event = (type: 'FraudReported' | 'SanctionNotified', data: Record<string, unknown>) => ({ type, data }) as Parameters<IndexedStore['append']>[2][number];
    const append = async (version: number, type: 'FraudReported' | 'SanctionNotified', data: Record<string, unknown>) =>
      store.append('session-ses_fraud', version, [event(type, data)], { actor: systemActor, scope: scope(), correlationId: 'c', causationId: 'c', occurredAt: clock.now() });
    now = at(0);
    await createSession('ses_fraud', ['cand_f-1', 'cand_f-2']);
    await people.saveCandidates(owner, [
      { candidateId: 'cand_f-1', lastName: 'Fraudé', firstName: 'Marc', birthDate: '1991-05-05' },
      { candidateId: 'cand_f-2', lastName: 'Honnête', firstName: 'Julie', birthDate: '1992-06-06' },
    ]);
    now = at(5);
    await append(1, 'FraudReported', { candidateId: 'cand_f-1', reportedBy: 'jury', reportedOn: '2027-04-06', facts: 'Documents non autorisés pendant la mise en situation.' });
    const deps = { events: new StoreRecordedEvents(store), personalData: people, pv: new S3PvObjects(s3Client, { vault: s3.bucket, uploads: s3.bucket }), clock };
    const names = async () => [...(await people.readCandidates(centre, ['cand_f-1', 'cand_f-2'])).keys()];

    now = at(31);
    expect(await purgeExpired(deps, settings)).toMatchObject({ candidatesErased: 1, candidatesHeld: 1, failures: 0 });
    expect(await names()).toEqual(['cand_f-1']);

    // Past the catch-up window: the registration is no longer read, the hold still is.
    now = at(70);
    expect(await purgeExpired(deps, settings)).toMatchObject({ candidatesErased: 0, candidatesHeld: 1, failures: 0 });
    expect(await names()).toEqual(['cand_f-1']);

    now = at(75);
    await append(2, 'SanctionNotified', { candidateId: 'cand_f-1', sanction: 'avertissement', pronouncedOn: '2027-06-14', notifiedOn: '2027-06-15' });
    now = at(76);
    expect(await purgeExpired(deps, settings)).toMatchObject({ candidatesErased: 1, candidatesHeld: 0, failures: 0 });
    expect(await names()).toEqual([]);

    now = at(77);
    expect(await purgeExpired(deps, settings)).toMatchObject({ candidatesErased: 0, candidatesHeld: 0, failures: 0 });
  });
});
