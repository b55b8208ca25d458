import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ETAG_VERSION_PREFIX } from '../vault/keys.js';
import type { DocumentLinks } from './service.js';

/**
 * How long the link a download answers with stays valid. It is signed when the reader clicks
 * (GET /sessions/{sessionId}/historique/pv/{revision}) and followed at once by the redirect, so a
 * minute is plenty; the page itself never holds a presigned link.
 */
const DOCUMENT_LINK_SECONDS = 60;

/** S3's answer to a key or version that is not there (with `s3:ListBucket`; without it, S3 says 403). */
const isMissing = (error: unknown): boolean => {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchVersion' || $metadata?.httpStatusCode === 404;
};

/**
 * Presigned GET of one version of a PV in the vault bucket: the link names the version recorded in
 * the event, so it opens the very file the jury signed even if a later version exists. Offline,
 * s3rver keeps no versions and the intake records `etag:<ETag>` instead (shared/vault/keys.ts): that
 * stand-in is no S3 version id, so the link then names the object alone, as the retention purge does.
 * A HEAD first tells a file that is gone (the retention purge deleted its version) from one to
 * open: no link is signed for it.
 */
export class S3DocumentLinks implements DocumentLinks {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async linkFor(objectKey: string, versionId: string): Promise<string | undefined> {
    const version = versionId.startsWith(ETAG_VERSION_PREFIX) ? {} : { VersionId: versionId };
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey, ...version }));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...version, ResponseContentDisposition: 'inline' }), {
      expiresIn: DOCUMENT_LINK_SECONDS,
    });
  }
}
