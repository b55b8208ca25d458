import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CHECKSUM_REQUIRED, refusalOf } from '../../infra/offline/s3Rules.js';

/**
 * Which requests the offline S3 rules refuse, on the request line and headers alone: every write
 * of an object's bytes into a locked bucket without Content-MD5 or an `x-amz-checksum-*` header
 * (or query parameter, as a presigned URL carries it, or a trailing checksum); nothing else.
 */
const request = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers }) as unknown as IncomingMessage;
const options = { lockedBuckets: new Set(['vault']) };

describe('S3 rules: a checksum on every write to a bucket with Object Lock', () => {
  it('refuses a PutObject, a CopyObject and an UploadPart into the locked bucket that carry no checksum', () => {
    expect(refusalOf(request('PUT', '/vault/pv/a.pdf'), options)).toBe(CHECKSUM_REQUIRED);
    expect(refusalOf(request('PUT', '/vault/pv/a.pdf', { 'x-amz-copy-source': '/uploads/pv/a.pdf' }), options)).toBe(CHECKSUM_REQUIRED);
    expect(refusalOf(request('PUT', '/vault/pv/a.pdf?partNumber=1&uploadId=u'), options)).toBe(CHECKSUM_REQUIRED);
    expect(CHECKSUM_REQUIRED).toMatchObject({ status: 400, code: 'InvalidRequest' });
  });

  it('lets through a write carrying Content-MD5, an x-amz-checksum-* header or query parameter, or a trailing checksum', () => {
    const carrying: Record<string, string>[] = [
      { 'content-md5': 'x' },
      { 'x-amz-checksum-sha256': 'x' },
      { 'x-amz-checksum-crc32': 'x' },
      { 'x-amz-checksum-algorithm': 'SHA256' },
      { 'x-amz-trailer': 'x-amz-checksum-crc32' },
    ];
    for (const headers of carrying) {
      expect(refusalOf(request('PUT', '/vault/pv/a.pdf', headers), options), JSON.stringify(headers)).toBeUndefined();
    }
    expect(refusalOf(request('PUT', '/vault/pv/a.pdf?X-Amz-Checksum-Sha256=x&X-Amz-Signature=s'), options)).toBeUndefined();
  });

  it('leaves alone other buckets, reads, deletes, bucket-level requests and subresources of an object', () => {
    expect(refusalOf(request('PUT', '/uploads/pv/a.pdf'), options)).toBeUndefined();
    expect(refusalOf(request('GET', '/vault/pv/a.pdf'), options)).toBeUndefined();
    expect(refusalOf(request('DELETE', '/vault/pv/a.pdf'), options)).toBeUndefined();
    expect(refusalOf(request('PUT', '/vault'), options)).toBeUndefined();
    expect(refusalOf(request('PUT', '/vault/pv/a.pdf?tagging'), options)).toBeUndefined();
  });
});
