import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AppError } from '../errors.js';
import { DEFAULT_PV_MAX_BYTES, pvObjectKey, sha256Base64 } from './keys.js';

export interface UploadLinkOptions {
  readonly maxBytes?: number;
  /** Lifetime of an upload URL, seconds. */
  readonly uploadTtlSeconds?: number;
}

/**
 * Upload links to the upload area (shared/vault/vault.ts `PvUploads`), for the API: a presigned
 * PUT that S3 honours only for the declared file. Apart from the intake's classes, so that the PV
 * intake, which never signs a link, leaves the presigner out of its cold start.
 */
export class PvUploadLinks {
  private readonly maxBytes: number;
  private readonly uploadTtl: number;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    options: UploadLinkOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_PV_MAX_BYTES;
    this.uploadTtl = options.uploadTtlSeconds ?? 300;
  }

  /**
   * A presigned PUT: S3 refuses the upload unless the body's SHA-256 equals the declared one
   * (`x-amz-checksum-sha256`, signed), the type is application/pdf and the length the declared one.
   */
  async presign(request: { readonly sessionId: string; readonly sha256Hex: string; readonly sizeBytes: number }) {
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
}
