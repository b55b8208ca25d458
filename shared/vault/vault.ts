import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_PV_MAX_BYTES, QUARANTINE_PREFIX, sha256Base64 } from './keys.js';

/**
 * Signed PVs in two buckets, as the PV intake handles them. The browser PUTs the file to the upload
 * area (`PvUploads`, no Object Lock) through a presigned URL bound to its SHA-256, type and size
 * (`PvUploadLinks`, shared/vault/uploadLinks.ts: the API's, so the intake never loads the presigner);
 * the intake checks what arrived and writes an accepted file into the vault (`PvVault`, Object
 * Lock), a rejected one under `quarantine/` of the upload area. Same key layout in both:
 * `pv/<session>/<sha256>.pdf`.
 */

export interface StoredObject {
  readonly bytes: Uint8Array;
  readonly sizeBytes: number;
  readonly etag?: string;
}

const isNotFound = (error: unknown) => (error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/**
 * The upload area (a bucket without Object Lock, short lifecycle expiry): browsers PUT signed PVs
 * under `pv/` with a presigned URL, the intake reads them there, and rejected ones wait under
 * `quarantine/` until the retention purge deletes them. Nothing here is locked, so a wrong file
 * full of personal data can always be erased.
 */
export class PvUploads {
  readonly maxBytes: number;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    options: { readonly maxBytes?: number } = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_PV_MAX_BYTES;
  }

  /** Size of an upload without reading it; undefined when it is gone (already moved). */
  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<StoredObject> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    return { bytes, sizeBytes: bytes.byteLength, ...(object.ETag ? { etag: object.ETag.replace(/"/g, '') } : {}) };
  }

  /**
   * Copies a rejected upload under `quarantine/` in the same bucket and returns the new key; the
   * intake removes the upload once the quarantine is recorded, so that a record that failed is
   * made again from the upload still there. Neither copy is locked: the retention purge deletes the
   * quarantined file on schedule, and the bucket's lifecycle expires it should the purge never reach it.
   */
  async copyToQuarantine(key: string): Promise<string> {
    const target = `${QUARANTINE_PREFIX}${key}`;
    const source = `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: target, CopySource: source }));
    return target;
  }

  /** Removes an upload once it is in the vault or in quarantine (a delete of a missing key succeeds). */
  async discard(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

/**
 * The signed-PV vault: a bucket, versioned with Object Lock in AWS, that only the intake writes
 * (accepted PVs, once checked) and nobody reads directly: a timeline's PV link is a short-lived
 * presigned GET of the recorded version (shared/history/documentLinks.ts).
 */
export class PvVault {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /**
   * Writes the checked bytes of an accepted PV, with their SHA-256 as `x-amz-checksum-sha256`: S3
   * requires a checksum (or Content-MD5) on every write to a bucket with Object Lock, and it stores
   * the object only if the bytes match, so the vault holds exactly what the intake checked. The
   * bytes are written rather than copied from the upload area so that nothing uploaded to the same
   * key since the check can slip in.
   */
  async keep(key: string, bytes: Uint8Array, sha256Hex: string, options: { readonly recorded?: readonly string[] } = {}): Promise<{ versionId?: string; etag?: string }> {
    // A retry after a crash between this write and its record finds the version written then, with
    // these very bytes: that one is recorded, rather than a second locked copy that no event names
    // and the retention purge would never delete. A version an earlier revision recorded is not
    // taken again (each record names its own, deleted on its own schedule).
    const current = await this.current(key);
    if (current?.ChecksumSHA256 === sha256Base64(sha256Hex) && current.VersionId && !options.recorded?.includes(current.VersionId)) {
      return { versionId: current.VersionId, ...(current.ETag ? { etag: current.ETag.replace(/"/g, '') } : {}) };
    }
    const output = await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: 'application/pdf',
        ContentLength: bytes.byteLength,
        ChecksumSHA256: sha256Base64(sha256Hex),
      }),
    );
    return { ...(output.VersionId ? { versionId: output.VersionId } : {}), ...(output.ETag ? { etag: output.ETag.replace(/"/g, '') } : {}) };
  }

  /** The current version of a key, with its SHA-256 when it was written with one; undefined when there is none. */
  private async current(key: string) {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
