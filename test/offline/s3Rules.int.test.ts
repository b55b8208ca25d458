import { createHash } from 'node:crypto';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../shared/aws/s3.js';
import { S3DigestArchive } from '../../shared/integrity/adapters.js';
import { PvUploadLinks } from '../../shared/vault/uploadLinks.js';
import { startBuckets, type LocalBuckets } from '../support/buckets.js';

/**
 * The offline S3 is as strict as AWS where the project relies on it: s3rver behind the project's
 * S3 rules (infra/offline/s3Rules.ts), with the buckets the offline runtime starts
 * (infra/offline/emulators.ts from infra/buckets.ts). A write without checksum into the locked
 * vault gets AWS's 400; CORS answers exactly the stack's rule on the upload bucket, none on the vault.
 */
const APP = 'http://localhost:3000';
let s3: LocalBuckets;
let client: ReturnType<typeof createS3Client>;

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } },
  );
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');
const md5 = (text: string) => createHash('md5').update(text).digest('base64');

beforeAll(async () => {
  s3 = await startBuckets('rules', [APP]);
  client = createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await s3.stop();
});

describe('writes to the bucket with Object Lock', () => {
  it("given no Content-MD5 nor checksum, when an object is put into the vault, then S3 answers 400 InvalidRequest with AWS's message, and nothing is stored", async () => {
    const refused = await failure(client.send(new PutObjectCommand({ Bucket: s3.vault, Key: 'digests/2027-01-01.json', Body: '{}' })));

    expect(refused).toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
    expect(refused?.message).toBe('Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
    expect(await failure(client.send(new GetObjectCommand({ Bucket: s3.vault, Key: 'digests/2027-01-01.json' })))).toMatchObject({ name: 'NoSuchKey' });
  });

  it('given a SHA-256 checksum or a Content-MD5, when an object is put into the vault, then it is stored; the upload bucket needs neither', async () => {
    await client.send(new PutObjectCommand({ Bucket: s3.vault, Key: 'pv/a.pdf', Body: 'a', ChecksumSHA256: sha256('a') }));
    await client.send(new PutObjectCommand({ Bucket: s3.vault, Key: 'pv/b.pdf', Body: 'b', ContentMD5: md5('b') }));
    await client.send(new PutObjectCommand({ Bucket: s3.uploads, Key: 'pv/c.pdf', Body: 'c' }));

    for (const [bucket, key, body] of [
      [s3.vault, 'pv/a.pdf', 'a'],
      [s3.vault, 'pv/b.pdf', 'b'],
      [s3.uploads, 'pv/c.pdf', 'c'],
    ] as const) {
      expect(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()).toBe(body);
    }
  });

  it('given a copy into the vault, when it names no checksum algorithm, then it is refused the same way; with one it goes through', async () => {
    await client.send(new PutObjectCommand({ Bucket: s3.uploads, Key: 'pv/copy.pdf', Body: 'copied' }));
    const copy = (extra: Partial<ConstructorParameters<typeof CopyObjectCommand>[0]>) =>
      client.send(new CopyObjectCommand({ Bucket: s3.vault, Key: 'pv/copy.pdf', CopySource: `${s3.uploads}/pv/copy.pdf`, ...extra }));

    expect(await failure(copy({}))).toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
    await copy({ ChecksumAlgorithm: 'SHA256' });

    expect(await (await client.send(new GetObjectCommand({ Bucket: s3.vault, Key: 'pv/copy.pdf' }))).Body?.transformToString()).toBe('copied');
  });

  it('given the daily digest, when the archive writes it into the vault, then it carries its checksum and is stored; a day without digest reads as absent', async () => {
    const archive = new S3DigestArchive(client, s3.vault);

    await archive.write('2027-01-02', '{"day":"2027-01-02"}');

    expect(await archive.read('2027-01-02')).toBe('{"day":"2027-01-02"}');
    expect(await archive.read('2027-01-03')).toBeUndefined();
  });
});

describe('writes that declare the SHA-256 of their bytes', () => {
  it('given a checksum that does not match the bytes, when an object is put into the vault or the upload bucket, then S3 answers 400 BadDigest and nothing is stored; the matching one is stored', async () => {
    for (const bucket of [s3.vault, s3.uploads]) {
      const refused = await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'pv/digest.pdf', Body: '%PDF-1.7 autre', ChecksumSHA256: sha256('%PDF-1.7 signé') })));

      expect(refused).toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
      expect(refused?.message).toBe('The SHA256 you specified did not match the calculated checksum.');
      expect(await failure(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'pv/digest.pdf' })))).toMatchObject({ name: 'NoSuchKey' });
    }
    await client.send(new PutObjectCommand({ Bucket: s3.vault, Key: 'pv/digest.pdf', Body: '%PDF-1.7 signé', ChecksumSHA256: sha256('%PDF-1.7 signé') }));
    expect(await (await client.send(new GetObjectCommand({ Bucket: s3.vault, Key: 'pv/digest.pdf' }))).Body?.transformToString()).toBe('%PDF-1.7 signé');
  });

  it('given the upload link the API presigns for a SHA-256, when the browser PUTs other bytes, then the upload is refused (400 BadDigest); the signed file goes through', async () => {
    const signed = Buffer.from('%PDF-1.7 le procès-verbal signé');
    const sha256Hex = createHash('sha256').update(signed).digest('hex');
    const link = await new PvUploadLinks(client, s3.uploads).presign({ sessionId: 'ses_digest', sha256Hex, sizeBytes: signed.byteLength });
    const put = (body: Buffer) => fetch(link.url, { method: 'PUT', headers: { ...link.headers, 'content-length': String(body.byteLength) }, body });

    const other = Buffer.from('%PDF-1.7 un autre fichier, de la même taille!!');
    const refused = await put(other.subarray(0, signed.byteLength));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<Code>BadDigest</Code>');

    expect((await put(signed)).status).toBe(200);
  });
});

describe("CORS of the upload bucket, from the stack's rule", () => {
  const preflight = async (bucket: string, origin: string, headers: string) => {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: 'pv/ses_1/x.pdf', ContentType: 'application/pdf' }), { expiresIn: 60 });
    return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': headers } });
  };

  it("given the application's origin and the headers the page signs, when the browser sends its preflight, then S3 allows the PUT with those headers", async () => {
    const response = await preflight(s3.uploads, APP, 'content-type,x-amz-checksum-sha256');

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-methods')).toBe('PUT, GET, HEAD');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-checksum-sha256');
  });

  it('given another origin, a header the rule does not list, or the vault, when the browser sends its preflight, then S3 refuses it (403)', async () => {
    expect((await preflight(s3.uploads, 'https://ailleurs.example', 'content-type,x-amz-checksum-sha256')).status).toBe(403);
    expect((await preflight(s3.uploads, APP, 'content-type,x-amz-meta-owner')).status).toBe(403);
    expect((await preflight(s3.vault, APP, 'content-type')).status).toBe(403);
  });
});
