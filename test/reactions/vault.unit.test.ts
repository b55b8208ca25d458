import { createHash } from 'node:crypto';
import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../shared/eventStore/port.js';
import { PvIntake } from '../../shared/vault/intake.js';
import { PvUploadLinks } from '../../shared/vault/uploadLinks.js';
import { PvUploads, PvVault } from '../../shared/vault/vault.js';

/**
 * What the intake sends to S3 in AWS, checked on the commands: nothing rejected is ever written to
 * the vault (its Object Lock would keep it for years), a rejected upload moves within the upload
 * area with no lock, and every write to the vault carries the SHA-256 of the bytes checked. The
 * same paths against s3rver behind the project's S3 rules: vault.int.test.ts.
 */
const s3 = mockClient(S3Client);
const UPLOADS = 'prod-tp-uploads-123456789012-eu-west-3';
const VAULT = 'prod-tp-pv-123456789012-eu-west-3';
const now = new Date('2027-02-01T08:00:00.000Z');
const client = new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const intakeWith = (store: EventStore) => new PvIntake(new PvUploads(client, UPLOADS), new PvVault(client, VAULT), store, { now: () => now });
const names = () => s3.calls().map((call) => `${(call.args[0] as { constructor: { name: string } }).constructor.name} ${(call.args[0].input as { Bucket?: string }).Bucket}`);
const noStore = new Proxy(
  {},
  {
    get: () => {
      throw new Error('no event for a key outside any session');
    },
  },
) as EventStore;

beforeEach(() => s3.reset());
afterAll(() => s3.restore());

describe('the intake in AWS: upload area, quarantine and vault', () => {
  it('given an upload under a key the vault never signed, when the intake runs, then it is moved to quarantine/ of the upload area, with no lock, and the vault is never written', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 12 });

    const outcome = await intakeWith(noStore).onObjectCreated({ key: 'pv/notes.txt' });

    expect(outcome).toEqual({ outcome: 'quarantined', reason: 'unexpected', quarantineKey: 'quarantine/pv/notes.txt' });
    expect(names()).toEqual([`HeadObjectCommand ${UPLOADS}`, `CopyObjectCommand ${UPLOADS}`, `DeleteObjectCommand ${UPLOADS}`]);
    expect(s3.commandCalls(CopyObjectCommand)[0]?.args[0].input).toEqual({ Bucket: UPLOADS, Key: 'quarantine/pv/notes.txt', CopySource: `${UPLOADS}/pv/notes.txt` });
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({ Bucket: UPLOADS, Key: 'pv/notes.txt' });
  });

  it('given an accepted PDF, when the vault keeps it, then the PutObject carries the SHA-256 of those bytes (S3 requires a checksum on a locked bucket and checks it)', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7 signé');
    const sha = createHash('sha256').update(bytes).digest('hex');
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-vault', ETag: '"abc"' });

    const kept = await new PvVault(client, VAULT).keep(`pv/ses_a/${sha}.pdf`, bytes, sha);

    expect(kept).toEqual({ versionId: 'v-vault', etag: 'abc' });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: VAULT,
      Key: `pv/ses_a/${sha}.pdf`,
      ChecksumSHA256: createHash('sha256').update(bytes).digest('base64'),
      ContentType: 'application/pdf',
    });
  });

  it('given a version with these very bytes already in the vault (an intake that crashed before its record), when the vault keeps them again, then that version is returned and no second locked copy is written', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7 signé');
    const sha = createHash('sha256').update(bytes).digest('hex');
    s3.on(HeadObjectCommand, { Bucket: VAULT }).resolves({ VersionId: 'v-first', ETag: '"abc"', ChecksumSHA256: createHash('sha256').update(bytes).digest('base64') });

    const kept = await new PvVault(client, VAULT).keep(`pv/ses_a/${sha}.pdf`, bytes, sha);

    expect(kept).toEqual({ versionId: 'v-first', etag: 'abc' });
    expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({ Bucket: VAULT, Key: `pv/ses_a/${sha}.pdf`, ChecksumMode: 'ENABLED' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('given the current version holds these bytes but an earlier revision recorded it, or holds other bytes, when the vault keeps them, then a new version is written', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7 signé');
    const sha = createHash('sha256').update(bytes).digest('hex');
    s3.on(HeadObjectCommand, { Bucket: VAULT })
      .resolvesOnce({ VersionId: 'v-first', ChecksumSHA256: createHash('sha256').update(bytes).digest('base64') })
      .resolvesOnce({ VersionId: 'v-other', ChecksumSHA256: createHash('sha256').update('%PDF-1.7 autre').digest('base64') });
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-new' });
    const vault = new PvVault(client, VAULT);

    expect(await vault.keep(`pv/ses_a/${sha}.pdf`, bytes, sha, { recorded: ['v-first'] })).toEqual({ versionId: 'v-new' });
    expect(await vault.keep(`pv/ses_a/${sha}.pdf`, bytes, sha)).toEqual({ versionId: 'v-new' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('given an upload already gone (a redelivered notification), when the intake runs, then it reads nothing else and writes nothing', async () => {
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));

    expect(await intakeWith(noStore).onObjectCreated({ key: `pv/ses_a/${'a'.repeat(64)}.pdf` })).toEqual({ outcome: 'gone' });
    expect(names()).toEqual([`HeadObjectCommand ${UPLOADS}`]);
  });

  it('given a presigned upload, when the page asks for it, then it points at the upload area, never at the vault', async () => {
    const presigned = await new PvUploadLinks(client, UPLOADS).presign({ sessionId: 'ses_a', sha256Hex: 'b'.repeat(64), sizeBytes: 10 });

    expect(new URL(presigned.url).hostname).toBe(`${UPLOADS}.s3.eu-west-3.amazonaws.com`);
    expect(presigned.headers).toEqual({ 'content-type': 'application/pdf', 'x-amz-checksum-sha256': Buffer.from('b'.repeat(64), 'hex').toString('base64') });
  });
});
