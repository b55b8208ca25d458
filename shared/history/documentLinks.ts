import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ETAG_VERSION_PREFIX } from '../vault/keys.js';
import type { DocumentLinks } from './service.js';

/** How long a PV link shown on a timeline stays valid. */
const DOCUMENT_LINK_SECONDS = 300;

/**
 * Presigned GET of one version of a PV in the vault bucket: the link names the version recorded in
 * the event, so it opens the very file the jury signed even if a later version exists. Offline,
 * s3rver keeps no versions and the intake records `etag:<ETag>` instead (shared/vault/keys.ts): that
 * stand-in is no S3 version id, so the link then names the object alone, as the retention purge does.
 */
export class S3DocumentLinks implements DocumentLinks {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  linkFor(objectKey: string, versionId: string): Promise<string> {
    const version = versionId.startsWith(ETAG_VERSION_PREFIX) ? {} : { VersionId: versionId };
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...version, ResponseContentDisposition: 'inline' }), {
      expiresIn: DOCUMENT_LINK_SECONDS,
    });
  }
}
