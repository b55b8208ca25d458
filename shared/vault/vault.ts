import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../errors.js';
import { readEnv } from '../platform/env.js';
import { RETENTION_ENV, retentionSettingsSchema } from '../retention/purge.js';
import type { SessionView } from '../views/model.js';

/**
 * The signed-PV vault: an S3 bucket (versioned, Object Lock in AWS) that nobody reads or writes
 * directly. Uploads go through a presigned PUT bound to the file's SHA-256, type and size; the
 * intake checks what arrived; downloads go through short-lived presigned GETs for the centre, the
 * UD of its department and the regional admins.
 */
export const PV_PREFIX = 'pv/';
export const QUARANTINE_PREFIX = 'quarantine/';
export const DEFAULT_PV_MAX_BYTES = 20 * 1024 * 1024;

/** Object key of an upload: the intake reads the session and the declared SHA-256 from it. */
export const pvObjectKey = (sessionId: string, sha256Hex: string): string => `${PV_PREFIX}${sessionId}/${sha256Hex}.pdf`;

const keyPattern = /^pv\/(ses_[A-Za-z0-9_-]+)\/([0-9a-f]{64})\.pdf$/;

/** The session and declared SHA-256 of a PV object key, or undefined for a key the vault never signed. */
export const parsePvObjectKey = (key: string): { sessionId: string; sha256Hex: string } | undefined => {
  const match = keyPattern.exec(key);
  return match?.[1] && match[2] ? { sessionId: match[1], sha256Hex: match[2] } : undefined;
};

/**
 * s3rver (offline) keeps no versions: the intake then records `etag:<ETag>` as the version id, a
 * stand-in that still names the exact bytes stored. In AWS the bucket is versioned and the real
 * VersionId is recorded.
 */
export const ETAG_VERSION_PREFIX = 'etag:';

/**
 * Tag put on the rejected upload's own version (under `pv/`) when it is moved to quarantine. The
 * bucket's lifecycle rule on this tag expires that version once it is noncurrent and its Object
 * Lock has ended: the version itself cannot be deleted earlier, the bucket's default retention
 * locked it on upload (infra/stack.ts).
 */
export const QUARANTINED_TAG = { Key: 'tp-quarantined', Value: 'true' } as const;

const DAY_MS = 86_400_000;

/**
 * Days a quarantined file is kept (`RETENTION_QUARANTINE_DAYS`, 30 when unset): the same setting
 * as the retention purge's, so the copy's lock ends when the purge deletes it. Validated like the
 * purge reads it: a bad value fails the cold start naming the variable.
 */
export const quarantineDaysFromEnv = (source: NodeJS.ProcessEnv = process.env): number =>
  readEnv({ [RETENTION_ENV.quarantineDays]: retentionSettingsSchema.shape.quarantineDays }, source)[RETENTION_ENV.quarantineDays];

export interface VaultOptions {
  readonly maxBytes?: number;
  /** Object Lock retention of a quarantined copy, days; by default `quarantineDaysFromEnv()`. */
  readonly quarantineDays?: number;
  /** Lifetime of an upload URL, seconds. */
  readonly uploadTtlSeconds?: number;
  /** Lifetime of a download URL, seconds: short, the link is for one click. */
  readonly downloadTtlSeconds?: number;
}

export interface StoredObject {
  readonly bytes: Uint8Array;
  readonly sizeBytes: number;
  readonly versionId?: string;
  readonly etag?: string;
}

export class PvVault {
  readonly maxBytes: number;
  readonly quarantineDays: number;
  private readonly uploadTtl: number;
  private readonly downloadTtl: number;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    options: VaultOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_PV_MAX_BYTES;
    this.uploadTtl = options.uploadTtlSeconds ?? 300;
    this.downloadTtl = options.downloadTtlSeconds ?? 60;
    this.quarantineDays = options.quarantineDays ?? quarantineDaysFromEnv();
  }

  /**
   * A presigned PUT: S3 refuses the upload unless the body's SHA-256 equals the declared one
   * (`x-amz-checksum-sha256`, signed), the type is application/pdf and the length the declared one.
   */
  async presignUpload(request: { readonly sessionId: string; readonly sha256Hex: string; readonly sizeBytes: number }) {
    if (!/^[0-9a-f]{64}$/.test(request.sha256Hex)) {
      throw new AppError('pv.upload.sha256', 'validation', 'Empreinte SHA-256 invalide.', [{ field: 'sha256', message: 'Empreinte SHA-256 (64 caractères hexadécimaux) attendue.' }]);
    }
    if (!Number.isInteger(request.sizeBytes) || request.sizeBytes < 1 || request.sizeBytes > this.maxBytes) {
      throw new AppError('pv.upload.too-large', 'too-large', `Le fichier doit peser au plus ${Math.floor(this.maxBytes / 1024 / 1024)} Mo.`, [{ field: 'sizeBytes', message: 'Taille non acceptée.' }]);
    }
    const checksum = Buffer.from(request.sha256Hex, 'hex').toString('base64');
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

  /** Size of an object without reading it; undefined when it is gone (already quarantined). */
  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async read(key: string, versionId?: string): Promise<StoredObject> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
    const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    return {
      bytes,
      sizeBytes: bytes.byteLength,
      ...(object.VersionId ? { versionId: object.VersionId } : {}),
      ...(object.ETag ? { etag: object.ETag.replace(/"/g, '') } : {}),
    };
  }

  /**
   * Moves a rejected upload under the quarantine prefix and returns the new key.
   *
   * The copy carries its own Object Lock retention, GOVERNANCE until `now` + `quarantineDays`: an
   * explicit retention in the request overrides the bucket's default one (COMPLIANCE for five years
   * in prod), so the copy can really go once the retention purge deletes it (delete marker, then the
   * bucket's `quarantine/` lifecycle rule removes the noncurrent version). It needs
   * `s3:PutObjectRetention`, granted to functions declared with `pvQuarantine`. s3rver (offline)
   * has no Object Lock and ignores these headers.
   *
   * The rejected version itself (known from the S3 event in AWS) was locked by the bucket default on
   * upload, so it cannot be deleted now (COMPLIANCE: by nobody): it is tagged `QUARANTINED_TAG`, then
   * hidden by a delete marker, and the bucket's lifecycle rule on that tag deletes it once its lock
   * ends. Offline there are no versions, and the delete removes the file.
   */
  async quarantine(key: string, original: { readonly versionId?: string } = {}, now: Date = new Date()): Promise<string> {
    const target = `${QUARANTINE_PREFIX}${key}`;
    const versionId = original.versionId !== undefined && !original.versionId.startsWith(ETAG_VERSION_PREFIX) ? original.versionId : undefined;
    // The version the intake checked, not whatever was uploaded to the same key since.
    const source = `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: target,
        CopySource: source,
        // No tags on the copy, whatever the source carries (a redelivery may find it tagged already).
        TaggingDirective: 'REPLACE',
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: new Date(now.getTime() + this.quarantineDays * DAY_MS),
      }),
    );
    // Tagged before the delete: a failure in between leaves the upload current, and the redelivered
    // notification (S3 retries the invocation) moves it again.
    if (versionId) {
      await this.client.send(new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, Tagging: { TagSet: [{ ...QUARANTINED_TAG }] } }));
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    return target;
  }
}
