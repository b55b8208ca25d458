import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PvUploadPort } from './operations.js';

/** Largest signed PV accepted (a scanned PDF of a few pages). */
export const PV_MAX_BYTES = 20 * 1024 * 1024;

/** Object key of an upload: the intake reads the session from it. */
export const pvObjectKey = (sessionId: string, sha256Hex: string): string => `pv/${sessionId}/${sha256Hex}.pdf`;

/**
 * Presigned PUT to the PV bucket, bound to the file: S3 refuses the upload unless the body's
 * SHA-256 matches `x-amz-checksum-sha256`, the type is application/pdf and the length the one
 * declared. Valid 5 minutes.
 */
export class S3PvUploads implements PvUploadPort {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presign(request: { sessionId: string; sha256Hex: string; sizeBytes: number }) {
    const checksum = Buffer.from(request.sha256Hex, 'hex').toString('base64');
    const objectKey = pvObjectKey(request.sessionId, request.sha256Hex);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: objectKey,
      ContentType: 'application/pdf',
      ContentLength: request.sizeBytes,
      ChecksumSHA256: checksum,
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: 300,
      // Signed headers: a PUT with another hash, type or length is refused by S3.
      signableHeaders: new Set(['content-type', 'content-length', 'x-amz-checksum-sha256']),
    });
    return { url, objectKey, headers: { 'content-type': 'application/pdf', 'x-amz-checksum-sha256': checksum } };
  }
}
