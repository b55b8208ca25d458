import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../errors.js';
import type { SessionView } from '../views/model.js';
import { ETAG_VERSION_PREFIX, QUARANTINE_PREFIX, pvObjectKey } from './keys.js';

/**
 * Signed PVs in two buckets. The browser PUTs the file to the upload area (`PvUploads`, no Object
 * Lock) through a presigned URL bound to its SHA-256, type and size; the intake checks what arrived
 * and writes an accepted file into the vault (`PvVault`, Object Lock), a rejected one under
 * `quarantine/` of the upload area. Same key layout in both: `pv/<session>/<sha256>.pdf`.
 */
const DEFAULT_PV_MAX_BYTES = 20 * 1024 * 1024;

/** The `x-amz-checksum-sha256` value (base64) of a SHA-256 given in hex. */
const sha256Base64 = (sha256Hex: string): string => Buffer.from(sha256Hex, 'hex').toString('base64');

export interface UploadOptions {
  readonly maxBytes?: number;
  /** Lifetime of an upload URL, seconds. */
  readonly uploadTtlSeconds?: number;
}

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
  private readonly uploadTtl: number;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    options: UploadOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_PV_MAX_BYTES;
    this.uploadTtl = options.uploadTtlSeconds ?? 300;
  }

  /**
   * A presigned PUT: S3 refuses the upload unless the body's SHA-256 equals the declared one
   * (`x-amz-checksum-sha256`, signed), the type is application/pdf and the length the declared one.
   */
  async presignUpload(request: { readonly sessionId: string; readonly sha256Hex: string; readonly sizeBytes: number }) {
    if (!/^[0-9a-f]{64}$/.test(request.sha256Hex)) {
      throw new AppError('pv.upload.sha256', 'validation', 'Empreinte SHA-256 invalide.', [
        { field: 'sha256', message: 'Empreinte SHA-256 (64 caractères hexadécimaux) attendue.' },
      ]);
    }
    if (!Number.isInteger(request.sizeBytes) || request.sizeBytes < 1 || request.sizeBytes > this.maxBytes) {
      throw new AppError('pv.upload.too-large', 'too-large', `Le fichier doit peser au plus ${Math.floor(this.maxBytes / 1024 / 1024)} Mo.`, [
        { field: 'sizeBytes', message: 'Taille non acceptée.' },
      ]);
    }
    const checksum = sha256Base64(request.sha256Hex);
    const objectKey = pvObjectKey(request.sessionId, request.sha256Hex);
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, ContentType: 'application/pdf', ContentLength: request.sizeBytes, ChecksumSHA256: checksum });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: this.uploadTtl,
      signableHeaders: new Set(['content-type', 'content-length', 'x-amz-checksum-sha256']),
      // Kept as a signed header (not hoisted to the query string): the PUT must carry this exact checksum.
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    });
    return { url, objectKey, headers: { 'content-type': 'application/pdf', 'x-amz-checksum-sha256': checksum } };
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
   * Moves a rejected upload under `quarantine/` in the same bucket and returns the new key. Neither
   * copy is locked: the retention purge deletes the quarantined file on schedule, and the bucket's
   * lifecycle expires it should the purge never reach it.
   */
  async quarantine(key: string): Promise<string> {
    const target = `${QUARANTINE_PREFIX}${key}`;
    const source = `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: target, CopySource: source }));
    await this.discard(key);
    return target;
  }

  /** Removes an upload once it is in the vault or in quarantine (a delete of a missing key succeeds). */
  async discard(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

/**
 * The signed-PV vault: a bucket, versioned with Object Lock in AWS, that only the intake writes
 * (accepted PVs, once checked) and nobody reads directly: downloads go through short-lived
 * presigned GETs for the centre, the UD of its department and the regional admins.
 */
export class PvVault {
  private readonly downloadTtl: number;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    options: { readonly downloadTtlSeconds?: number } = {},
  ) {
    this.downloadTtl = options.downloadTtlSeconds ?? 60;
  }

  /**
   * Writes the checked bytes of an accepted PV, with their SHA-256 as `x-amz-checksum-sha256`: S3
   * requires a checksum (or Content-MD5) on every write to a bucket with Object Lock, and it stores
   * the object only if the bytes match, so the vault holds exactly what the intake checked. The
   * bytes are written rather than copied from the upload area so that nothing uploaded to the same
   * key since the check can slip in.
   */
  async keep(key: string, bytes: Uint8Array, sha256Hex: string): Promise<{ versionId?: string; etag?: string }> {
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

  /**
   * A presigned GET of the session's stored PV, for the centre that owns it, the UD of its
   * department and the admins of its region; anyone else gets 403.
   */
  async presignDownload(principal: Principal, session: SessionView): Promise<{ url: string; expiresInSeconds: number }> {
    const { role, scope } = principal.actor;
    const allowed =
      (role === 'centre' && scope.centreId === session.centreId) ||
      (role === 'ud' && scope.department === session.department) ||
      (role === 'region' && scope.region === session.region);
    if (!allowed) throw new AppError('pv.download.forbidden', 'forbidden', 'Vous n’avez pas accès au procès-verbal de cette session.');
    const document = session.pv?.document;
    if (!document) throw new AppError('pv.download.none', 'not-found', 'Aucun procès-verbal signé n’est déposé pour cette session.');
    const versionId = document.versionId.startsWith(ETAG_VERSION_PREFIX) ? undefined : document.versionId;
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: document.objectKey,
      ...(versionId ? { VersionId: versionId } : {}),
      ResponseContentDisposition: `attachment; filename="proces-verbal-${session.sessionId}.pdf"`,
      ResponseContentType: 'application/pdf',
    });
    return { url: await getSignedUrl(this.client, command, { expiresIn: this.downloadTtl }), expiresInSeconds: this.downloadTtl };
  }
}
