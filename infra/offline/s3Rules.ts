import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readBody, replayRequest } from './requestBody.js';

/**
 * S3's rules that s3rver does not enforce, as a layer in front of its request handler, so that a
 * call that AWS would refuse fails offline too:
 *
 * - a write (PutObject, CopyObject, UploadPart) into a bucket with Object Lock must carry
 *   `Content-MD5` or an `x-amz-checksum-*` header (or a trailing checksum), else 400
 *   `InvalidRequest`, as S3 answers;
 * - a write that declares the SHA-256 of its bytes (`x-amz-checksum-sha256`, as the vault's writes
 *   and the presigned PV uploads do) is stored only if the bytes match, else 400 `BadDigest`: what
 *   binds an upload to the SHA-256 the PV was signed with, and the vault to what the intake checked.
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

const BAD_SHA256: S3Refusal = {
  status: 400,
  code: 'BadDigest',
  message: 'The SHA256 you specified did not match the calculated checksum.',
};

/**
 * The SHA-256 (base64) a write declares for its bytes, in a header or a presigned URL's query;
 * undefined for other requests, a copy (no body), or a body sent in signed chunks (aws-chunked),
 * where the checksum is a trailer the project never sends.
 */
const declaredSha256 = (request: IncomingMessage): string | undefined => {
  if (request.method !== 'PUT' || !request.url || request.headers['x-amz-copy-source']) return undefined;
  const contentSha = request.headers['x-amz-content-sha256'];
  if ((typeof contentSha === 'string' && contentSha.startsWith('STREAMING-')) || String(request.headers['content-encoding'] ?? '').includes('aws-chunked')) return undefined;
  const header = request.headers['x-amz-checksum-sha256'];
  if (typeof header === 'string') return header;
  const url = new URL(request.url, 'http://s3.local');
  for (const [name, value] of url.searchParams) if (name.toLowerCase() === 'x-amz-checksum-sha256') return value;
  return undefined;
};

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** S3's error document, with a request id as S3 gives one. */
export const sendS3Error = (response: ServerResponse, refusal: S3Refusal): void => {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${xmlEscape(refusal.message)}</Message><RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  response.writeHead(refusal.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': requestId });
  response.end(body);
};

/**
 * Wraps s3rver's request handler: a refused request never reaches it (its body is read and dropped);
 * a write declaring its SHA-256 is read whole and checked first (PVs are at most 20 MB).
 */
export const withS3Rules =
  (handler: RequestListener, options: S3RulesOptions): RequestListener =>
  (request, response) => {
    const refusal = refusalOf(request, options);
    if (refusal) {
      request.resume();
      sendS3Error(response, refusal);
      return;
    }
    const declared = declaredSha256(request);
    if (declared === undefined) {
      handler(request, response);
      return;
    }
    readBody(request).then(
      (body) => {
        if (createHash('sha256').update(body).digest('base64') !== declared) sendS3Error(response, BAD_SHA256);
        else handler(replayRequest(request, body), response);
      },
      () => response.destroy(),
    );
  };
