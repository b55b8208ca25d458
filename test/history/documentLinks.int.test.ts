import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../shared/aws/s3.js';
import { S3DocumentLinks } from '../../shared/history/documentLinks.js';
import { PvVault } from '../../shared/vault/vault.js';
import { startBuckets, type LocalBuckets } from '../support/buckets.js';

/*
 * Offline, the PV intake records `etag:<ETag>` as a PV's version (s3rver keeps none): the link a
 * timeline shows must still open the file there, through the real SDK's presigned URL.
 */
let s3: LocalBuckets;

beforeAll(async () => {
  s3 = await startBuckets('document-links');
});

afterAll(async () => {
  await s3.stop();
});

describe('a PV link on a timeline, offline', () => {
  it('opens the stored PV when the recorded version is the ETag stand-in', async () => {
    const client = createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 });
    const body = Buffer.from('%PDF-1.7 signed PV');
    // As the intake keeps it (with its checksum, which the vault's Object Lock requires).
    const kept = await new PvVault(client, s3.vault).keep('pv/ses_a/f.pdf', body, createHash('sha256').update(body).digest('hex'));
    expect(kept.versionId).toBeUndefined();
    const url = await new S3DocumentLinks(client, s3.vault).linkFor('pv/ses_a/f.pdf', `etag:${kept.etag ?? ''}`);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(body);
  });
});
