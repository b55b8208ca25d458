import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../shared/aws/s3.js';
import { digestSchema } from '../../shared/integrity/digestSchema.js';
import { START, startHardeningRuntime, type HardeningRuntime } from './support/runtime.js';

/**
 * The daily functions that touch the vault, run by their schedules on the offline runtime, where
 * each SDK call is checked against the function's own IAM policy from the template and the locked
 * vault refuses a write without checksum (as AWS would). The digest first reads its day's digest,
 * which does not exist yet: a 404 only because its policy allows `s3:ListBucket` on `digests/`
 * (a 403 otherwise), then writes it with its SHA-256.
 */
const DAY = 86_400_000;
let h: HardeningRuntime;
const lines: string[] = [];

beforeAll(async () => {
  h = await startHardeningRuntime({ log: (line) => lines.push(line) });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

describe('the daily digest and purge under their own IAM policies', () => {
  it('given two days passing, when the schedules fire, then the digest of each day is written to the locked vault and chained, and neither function fails', async () => {
    const fired = await h.runtime.moveClockTo(new Date(START.getTime() + 2 * DAY));

    expect(fired.map((f) => f.functionName)).toEqual(expect.arrayContaining(['integrityDigest', 'retentionPurge']));
    expect(lines.filter((line) => line.includes('✗') && /integrityDigest|retentionPurge/.test(line))).toEqual([]);
    const s3 = createS3Client({ endpoint: h.runtime.urls.s3 });
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: h.runtime.bucket, Prefix: 'digests/' }))).Contents ?? []).map((o) => o.Key);
    expect(keys).toEqual(['digests/2027-01-11.json', 'digests/2027-01-12.json']);
    const second = digestSchema.parse(
      JSON.parse((await (await s3.send(new GetObjectCommand({ Bucket: h.runtime.bucket, Key: 'digests/2027-01-12.json' }))).Body?.transformToString()) ?? '{}'),
    );
    expect(second.previousDigestSha256).toMatch(/^[0-9a-f]{64}$/);
    s3.destroy();
  });
});
