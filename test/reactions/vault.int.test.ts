import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { createS3Client } from '../../shared/aws/s3.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { fixedClock } from '../../shared/platform/clock.js';
import { PvIntake } from '../../shared/vault/intake.js';
import { QUARANTINE_PREFIX } from '../../shared/vault/keys.js';
import { PvUploadLinks } from '../../shared/vault/uploadLinks.js';
import { PvUploads, PvVault } from '../../shared/vault/vault.js';
import { projectAll } from '../../shared/views/projection.js';
import type { SessionView } from '../../shared/views/model.js';
import { startBuckets, type LocalBuckets } from '../support/buckets.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { sessionCreated } from './fixtures.js';
import { append, eventStoreOn } from './support.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PDF_SHA = createHash('sha256').update(PDF).digest('hex');

let dynamo: LocalDynamo;
let s3: LocalBuckets;
let client: ReturnType<typeof createS3Client>;
let store: DynamoEventStore;
let uploads: PvUploads;
let links: PvUploadLinks;
let vault: PvVault;
let intake: PvIntake;

/** Whether a key exists in a bucket (the test's client may list: a missing key is a 404). */
const exists = (bucket: string, key: string) =>
  client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
const bytesOf = async (bucket: string, key: string) => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());

/** The jury's signature of a PV revision over a document. */
const pvSigned = (revision: number, signedOn: string, documentSha256: string): DomainEvent => ({
  type: 'PVSigned',
  data: {
    revision,
    signedOn,
    decisions: [
      { candidateId: 'cand_alice', decision: 'titre-obtenu', ccpObtained: [], evaluatorIds: ['jur_anne'] },
      { candidateId: 'cand_bruno', decision: 'echec', ccpObtained: [], evaluatorIds: ['jur_anne'] },
    ],
    signatoryIds: ['jur_anne', 'jur_marc'],
    documentSha256,
  },
});

const signPv = async (sessionId: string, documentSha256: string) => {
  await append(store, `session-${sessionId}`, 0, [sessionCreated(sessionId)]);
  await append(store, `session-${sessionId}`, 1, [
    {
      type: 'SealsChecked',
      data: {
        checkedOn: '2027-03-15',
        presentCandidateIds: ['cand_alice', 'cand_bruno'],
        seed: '0123456789abcdef0123456789abcdef',
        drawnCandidateId: 'cand_alice',
        sealsIntact: true,
      },
    },
    pvSigned(1, '2027-03-16', documentSha256),
  ]);
};

/** The browser's upload: a PUT to the presigned URL with the signed headers. */
const upload = async (sessionId: string, declaredSha: string, body: Buffer) => {
  const presigned = await links.presign({ sessionId, sha256Hex: declaredSha, sizeBytes: body.byteLength });
  const response = await fetch(presigned.url, { method: 'PUT', headers: presigned.headers, body });
  return { key: presigned.objectKey, status: response.status };
};

const events = async (sessionId: string) => (await store.readStream(`session-${sessionId}`)).events;
const view = async (sessionId: string) => projectAll(await events(sessionId))?.view as SessionView;

beforeAll(async () => {
  dynamo = await startDynalite('vault');
  s3 = await startBuckets('vault-int');
  client = createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 });
  store = eventStoreOn(dynamo);
  uploads = new PvUploads(client, s3.uploads, { maxBytes: 1024 });
  links = new PvUploadLinks(client, s3.uploads, { maxBytes: 1024 });
  vault = new PvVault(client, s3.vault);
  intake = new PvIntake(uploads, vault, store, fixedClock('2027-03-17T09:00:00Z'));
});

afterAll(async () => {
  await s3.stop();
  await dynamo.stop();
});

describe('signed-PV vault', () => {
  it('given a signed PV waiting for its file, when the right PDF is uploaded, then the intake writes it into the locked vault, records it with key, version and SHA-256, once, and empties the upload area', async () => {
    await signPv('ses_ok', PDF_SHA);
    const { key, status } = await upload('ses_ok', PDF_SHA, PDF);
    expect(status).toBe(200);

    const outcome = await intake.onObjectCreated({ key });
    const redelivered = await intake.onObjectCreated({ key });
    // The same file sent again (the page retried its PUT): recognised, not recorded twice, removed.
    expect((await upload('ses_ok', PDF_SHA, PDF)).status).toBe(200);
    const again = await intake.onObjectCreated({ key });

    expect(outcome).toMatchObject({ outcome: 'stored', sha256: PDF_SHA });
    expect(redelivered).toEqual({ outcome: 'gone' });
    expect(again).toEqual(outcome);
    const stored = (await events('ses_ok')).filter((e) => e.type === 'PVDocumentStored');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.data).toMatchObject({
      objectKey: `pv/ses_ok/${PDF_SHA}.pdf`,
      sha256: PDF_SHA,
      sizeBytes: PDF.byteLength,
      versionId: expect.stringMatching(/^etag:[0-9a-f]{32}$/),
    });
    // The vault refuses any write without a checksum (Object Lock): the intake's carried one.
    expect(await bytesOf(s3.vault, key)).toEqual(PDF);
    expect(await exists(s3.uploads, key)).toBe(false);
  });

  it('given the vault with Object Lock, when a PDF is written there without a checksum, then S3 refuses it (400 InvalidRequest), and the same write with the SHA-256 goes through', async () => {
    const key = `pv/ses_raw/${PDF_SHA}.pdf`;
    const refused = await client.send(new PutObjectCommand({ Bucket: s3.vault, Key: key, Body: PDF, ContentType: 'application/pdf' })).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(refused).toBeInstanceOf(S3ServiceException);
    expect(refused).toMatchObject({
      name: 'InvalidRequest',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining('Content-MD5 OR x-amz-checksum- HTTP header is required'),
    });
    expect(await exists(s3.vault, key)).toBe(false);
    await vault.keep(key, PDF, PDF_SHA);
    expect(await bytesOf(s3.vault, key)).toEqual(PDF);
  });

  it('given a declared SHA-256, when bytes that differ are uploaded, then S3 refuses the upload; bytes that land anyway (written without the checksum) are refused by the intake: not recorded, quarantined as checksum-mismatch', async () => {
    await signPv('ses_bad', PDF_SHA);
    const other = Buffer.concat([PDF, Buffer.from('% altered\n')]);
    const { key, status } = await upload('ses_bad', PDF_SHA, other);
    // S3 checks the signed x-amz-checksum-sha256 (offline too: infra/offline/s3Rules.ts).
    expect(status).toBe(400);
    expect(await uploads.size(key)).toBeUndefined();
    await client.send(new PutObjectCommand({ Bucket: s3.uploads, Key: key, Body: other, ContentType: 'application/pdf' }));

    const outcome = await intake.onObjectCreated({ key });

    expect(outcome).toMatchObject({ outcome: 'quarantined', reason: 'checksum-mismatch', quarantineKey: `${QUARANTINE_PREFIX}${key}` });
    expect(await uploads.size(key)).toBeUndefined();
    expect(await uploads.size(`${QUARANTINE_PREFIX}${key}`)).toBe(other.byteLength);
    // Nothing rejected reaches the vault: its Object Lock would keep it for years.
    expect(await exists(s3.vault, key)).toBe(false);
    expect(await exists(s3.vault, `${QUARANTINE_PREFIX}${key}`)).toBe(false);
    expect((await events('ses_bad')).map((e) => e.type)).not.toContain('PVDocumentStored');
    expect((await view('ses_bad')).quarantinedUploads).toEqual([{ objectKey: `${QUARANTINE_PREFIX}${key}`, reason: 'checksum-mismatch' }]);
  });

  it('given a session that expects no PV, when a PDF is uploaded for it, then it is quarantined as unexpected and the centre can see why', async () => {
    await append(store, 'session-ses_early', 0, [sessionCreated('ses_early')]);
    const { key } = await upload('ses_early', PDF_SHA, PDF);

    const outcome = await intake.onObjectCreated({ key });

    expect(outcome).toMatchObject({ outcome: 'quarantined', reason: 'unexpected' });
    const quarantined = (await events('ses_early')).filter((e) => e.type === 'PVDocumentQuarantined');
    expect(quarantined.map((e) => e.data)).toEqual([{ objectKey: `${QUARANTINE_PREFIX}${key}`, reason: 'unexpected' }]);
    // Redelivered notification: the file is gone, nothing more is recorded.
    expect(await intake.onObjectCreated({ key })).toEqual({ outcome: 'gone' });
  });

  it('given a file that is not a PDF, when uploaded, then it is quarantined as not-pdf', async () => {
    const text = Buffer.from('just some text, not a PDF');
    const sha = createHash('sha256').update(text).digest('hex');
    await signPv('ses_txt', sha);
    const { key } = await upload('ses_txt', sha, text);

    expect(await intake.onObjectCreated({ key })).toMatchObject({ outcome: 'quarantined', reason: 'not-pdf' });
  });

  it('given a rejected upload redelivered after it was moved, when the intake runs again, then nothing more happens; the quarantined file can be deleted (no lock on it)', async () => {
    const text = Buffer.from('no PDF header here');
    const sha = createHash('sha256').update(text).digest('hex');
    await signPv('ses_lock', sha);
    const { key } = await upload('ses_lock', sha, text);

    expect(await intake.onObjectCreated({ key })).toMatchObject({ outcome: 'quarantined', reason: 'not-pdf', quarantineKey: `${QUARANTINE_PREFIX}${key}` });
    expect(await intake.onObjectCreated({ key })).toEqual({ outcome: 'gone' });

    expect(await bytesOf(s3.uploads, `${QUARANTINE_PREFIX}${key}`)).toEqual(text);
    expect((await events('ses_lock')).filter((e) => e.type === 'PVDocumentQuarantined')).toHaveLength(1);
    await uploads.discard(`${QUARANTINE_PREFIX}${key}`);
    expect(await exists(s3.uploads, `${QUARANTINE_PREFIX}${key}`)).toBe(false);
  });

  it('given a rejected upload whose record fails (a throttled table), when the notification is delivered again, then the quarantine is recorded once and the upload removed', async () => {
    const text = Buffer.from('not a PDF, and the table is busy');
    const sha = createHash('sha256').update(text).digest('hex');
    await signPv('ses_busy', sha);
    const { key } = await upload('ses_busy', sha, text);
    const throttled = Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' });
    let failNext = true;
    const busyStore = new Proxy(store, {
      get: (target, name, receiver) =>
        name === 'append'
          ? (...args: Parameters<DynamoEventStore['append']>) => {
              if (failNext) {
                failNext = false;
                return Promise.reject(throttled);
              }
              return target.append(...args);
            }
          : (Reflect.get(target, name, receiver) as unknown),
    });
    const busyIntake = new PvIntake(uploads, vault, busyStore, fixedClock('2027-03-17T09:00:00Z'));

    await expect(busyIntake.onObjectCreated({ key })).rejects.toThrow('Throughput exceeded');
    expect(await exists(s3.uploads, key)).toBe(true);
    const retried = await busyIntake.onObjectCreated({ key });

    expect(retried).toMatchObject({ outcome: 'quarantined', reason: 'not-pdf', quarantineKey: `${QUARANTINE_PREFIX}${key}` });
    expect((await events('ses_busy')).filter((e) => e.type === 'PVDocumentQuarantined').map((e) => e.data)).toEqual([
      { objectKey: `${QUARANTINE_PREFIX}${key}`, reason: 'not-pdf' },
    ]);
    expect(await exists(s3.uploads, key)).toBe(false);
    expect(await bytesOf(s3.uploads, `${QUARANTINE_PREFIX}${key}`)).toEqual(text);
  });

  it('given a PV rejected and signed again with the same file, when the file is uploaded again, then the new revision records its document', async () => {
    await signPv('ses_again', PDF_SHA);
    const first = await upload('ses_again', PDF_SHA, PDF);
    expect(await intake.onObjectCreated({ key: first.key })).toMatchObject({ outcome: 'stored' });
    const { version } = await store.readStream('session-ses_again');
    await append(store, 'session-ses_again', version, [
      { type: 'ResultsRecordedInCeres', data: { recordedOn: '2027-03-18', pvRevision: 1 } },
      { type: 'PVTransmitted', data: { transmittedOn: '2027-03-18', pvRevision: 1, department: '69' } },
      { type: 'PVRejected', data: { rejectedOn: '2027-03-20', pvRevision: 1, reason: 'Signature manquante' } },
      pvSigned(2, '2027-03-21', PDF_SHA),
    ]);
    const second = await upload('ses_again', PDF_SHA, PDF);

    expect(await intake.onObjectCreated({ key: second.key })).toMatchObject({ outcome: 'stored', sha256: PDF_SHA });

    const stored = (await events('ses_again')).filter((e) => e.type === 'PVDocumentStored');
    expect(stored.map((e) => (e.data as { revision: number }).revision)).toEqual([1, 2]);
    expect(await exists(s3.uploads, second.key)).toBe(false);
  });

  it('given a file larger than the limit, when asking for an upload URL, then it is refused (413)', async () => {
    await expect(links.presign({ sessionId: 'ses_ok', sha256Hex: PDF_SHA, sizeBytes: 4096 })).rejects.toMatchObject({ category: 'too-large' });
  });
});
