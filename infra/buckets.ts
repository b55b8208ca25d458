import type { BucketName } from '../shared/platform/declarations.js';

/**
 * The two buckets as both the CDK stack (infra/stack.ts) and the offline emulator
 * (infra/offline/emulators.ts) build them, so that offline behaves as deployed: the upload area's
 * CORS rule and which bucket carries Object Lock are written once, here. Plain data: the offline
 * runtime does not load aws-cdk-lib.
 */

/** Physical name suffix: `<stage>-tp-<suffix>` (then `-<account>-<region>` in AWS). */
export const bucketSuffix: Readonly<Record<BucketName, string>> = { vault: 'pv', uploads: 'uploads' };

/**
 * Object Lock by default retention: every write to such a bucket must carry Content-MD5 or an
 * `x-amz-checksum-*` header, which S3 (and offline, infra/offline/s3Rules.ts) refuses otherwise.
 */
export const objectLocked: Readonly<Record<BucketName, boolean>> = { vault: true, uploads: false };

export interface CorsRuleSpec {
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly ('PUT' | 'GET' | 'HEAD')[];
  readonly allowedHeaders: readonly string[];
  readonly exposedHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

/**
 * CORS of the upload area: the page PUTs the signed PV with a presigned URL and the headers it
 * signs (`content-type`, `x-amz-checksum-sha256`), which makes the browser send a preflight; the
 * answer's ETag is readable. Only the application's own origins.
 */
export const uploadCorsRule = (origins: readonly string[]): CorsRuleSpec => ({
  allowedOrigins: origins,
  allowedMethods: ['PUT', 'GET', 'HEAD'],
  allowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
  exposedHeaders: ['ETag'],
  maxAgeSeconds: 3000,
});

/** The origin of an absolute URL (`https://host[:port]`), as a browser sends it in `Origin`. */
export const originOf = (url: string): string => new URL(url).origin;

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The same rule as S3's `PutBucketCors` XML body, which s3rver reads from its bucket configuration. */
export const corsConfigurationXml = (rule: CorsRuleSpec): string => {
  const element = (name: string, values: readonly (string | number)[]) => values.map((value) => `    <${name}>${xmlEscape(String(value))}</${name}>`);
  return [
    '<CORSConfiguration>',
    '  <CORSRule>',
    ...element('AllowedOrigin', rule.allowedOrigins),
    ...element('AllowedMethod', rule.allowedMethods),
    ...element('AllowedHeader', rule.allowedHeaders),
    ...element('ExposeHeader', rule.exposedHeaders),
    ...element('MaxAgeSeconds', [rule.maxAgeSeconds]),
    '  </CORSRule>',
    '</CORSConfiguration>',
  ].join('\n');
};
