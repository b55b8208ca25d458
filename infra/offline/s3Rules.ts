import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * S3's rules that s3rver does not enforce, as a layer in front of its request handler, so that a
 * call that AWS would refuse fails offline too:
 *
 * - a write (PutObject, CopyObject, UploadPart) into a bucket with Object Lock must carry
 *   `Content-MD5` or an `x-amz-checksum-*` header (or a trailing checksum), else 400
 *   `InvalidRequest`, as S3 answers.
 *
 * CORS needs no rule here: s3rver already answers preflights from the bucket's own CORS
 * configuration, which the emulator sets from the stack's definition (infra/buckets.ts).
 * Signatures and IAM are checked by the gateway in front of this layer, not here.
 */
export interface S3RulesOptions {
  /** Names of the buckets with Object Lock (default retention): every write needs a checksum. */
  readonly lockedBuckets: ReadonlySet<string>;
}

export interface S3Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export const CHECKSUM_REQUIRED: S3Refusal = {
  status: 400,
  code: 'InvalidRequest',
  message: 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
};

/** Query parameters that make a PUT on a key something other than writing the object's bytes. */
const subresources = ['acl', 'tagging', 'retention', 'legal-hold', 'torrent', 'restore', 'select'];

const bucketAndKey = (url: URL): { bucket: string; key: string } => {
  const [bucket = '', ...rest] = url.pathname.replace(/^\//, '').split('/');
  return { bucket: decodeURIComponent(bucket), key: rest.map(decodeURIComponent).join('/') };
};

const carriesChecksum = (request: IncomingMessage, url: URL): boolean => {
  const names = [...Object.keys(request.headers), ...[...url.searchParams.keys()].map((name) => name.toLowerCase())];
  if (names.includes('content-md5') || names.some((name) => name.startsWith('x-amz-checksum-'))) return true;
  const trailer = request.headers['x-amz-trailer'];
  return typeof trailer === 'string' && trailer.toLowerCase().startsWith('x-amz-checksum-');
};

/** Why S3 would refuse this request, or undefined when these rules let it through. */
export const refusalOf = (request: IncomingMessage, options: S3RulesOptions): S3Refusal | undefined => {
  if (request.method !== 'PUT' || !request.url) return undefined;
  const url = new URL(request.url, 'http://s3.local');
  const { bucket, key } = bucketAndKey(url);
  if (!key || !options.lockedBuckets.has(bucket)) return undefined;
  if (subresources.some((name) => url.searchParams.has(name))) return undefined;
  return carriesChecksum(request, url) ? undefined : CHECKSUM_REQUIRED;
};

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** S3's error document, with a request id as S3 gives one. */
export const sendS3Error = (response: ServerResponse, refusal: S3Refusal): void => {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${xmlEscape(refusal.message)}</Message><RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  response.writeHead(refusal.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': requestId });
  response.end(body);
};

/** Wraps s3rver's request handler: a refused request never reaches it (its body is read and dropped). */
export const withS3Rules =
  (handler: RequestListener, options: S3RulesOptions): RequestListener =>
  (request, response) => {
    const refusal = refusalOf(request, options);
    if (!refusal) {
      handler(request, response);
      return;
    }
    request.resume();
    sendS3Error(response, refusal);
  };
