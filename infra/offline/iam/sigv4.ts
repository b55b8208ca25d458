import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Verification of AWS Signature Version 4, as each AWS service does it before anything else: from
 * the `Authorization` header, or from the query string of a presigned URL (S3). The canonical
 * request is rebuilt from what arrived on the wire (method, path, query, the signed headers, the
 * payload hash), signed with the secret of the access key it names, and compared.
 *
 * S3 signs the path as sent and takes the payload hash from `x-amz-content-sha256` (or
 * `UNSIGNED-PAYLOAD` in a presigned URL); the other services sign the path encoded once more, and
 * the hash of the body, which is compared with the body read. The body of an S3 request is not
 * read here: its hash is the client's word (S3 itself compares them; offline that is not done).
 */
export interface WireRequest {
  readonly method: string;
  /** Path and query string exactly as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body, for services that sign its hash (all but S3). */
  readonly body?: Buffer;
}

type SignatureFailure = 'missing' | 'malformed' | 'unknownKey' | 'mismatch' | 'expired';

export type SignatureCheck =
  | { readonly ok: true; readonly accessKeyId: string; readonly presigned: boolean }
  | { readonly ok: false; readonly failure: SignatureFailure; readonly accessKeyId?: string; readonly presigned: boolean };

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as the SDK's `escapeUri`. */
const escapeUri = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The query's pairs, decoded, as they arrived. */
export const queryPairs = (rawQuery: string): [string, string][] =>
  rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? [safeDecode(part), ''] : [safeDecode(part.slice(0, at)), safeDecode(part.slice(at + 1))];
    });

const canonicalQuery = (pairs: readonly [string, string][]): string =>
  pairs
    .filter(([key]) => key.toLowerCase() !== 'x-amz-signature')
    .map(([key, value]) => [escapeUri(key), escapeUri(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');

const canonicalPath = (path: string, s3: boolean): string => {
  if (s3) return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
};

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

const canonicalHeader = (value: string) =>
  value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');

interface Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

const parseCredential = (text: string): Credential | undefined => {
  const [accessKeyId, date, region, service, terminator] = text.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') return undefined;
  return { accessKeyId, date, region, service };
};

/** The signing key of AWS's key derivation (date, region, service, `aws4_request`). */
const signingKey = (secret: string, credential: Credential) => hmac(hmac(hmac(hmac(`AWS4${secret}`, credential.date), credential.region), credential.service), 'aws4_request');

/**
 * Checks the request's signature. `secretOf` gives the secret of an access key, or undefined for
 * a key nobody issued; `now` decides whether a presigned URL has expired.
 */
export const verifySignature = (
  request: WireRequest,
  secretOf: (accessKeyId: string) => string | undefined,
  options: { readonly s3: boolean; readonly now?: Date },
): SignatureCheck => {
  const at = request.url.indexOf('?');
  const path = at < 0 ? request.url : request.url.slice(0, at);
  const pairs = queryPairs(at < 0 ? '' : request.url.slice(at + 1));
  const query = new Map(pairs.map(([key, value]) => [key.toLowerCase(), value]));
  const authorization = headerValue(request.headers, 'authorization');
  const presigned = !authorization && query.has('x-amz-signature');

  let credentialText: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let amzDate: string | undefined;
  if (authorization) {
    const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(authorization.trim());
    if (!match) return { ok: false, failure: 'malformed', presigned };
    [, credentialText, signedHeaders, signature] = match;
    amzDate = headerValue(request.headers, 'x-amz-date');
  } else if (presigned) {
    if (query.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') return { ok: false, failure: 'malformed', presigned };
    credentialText = query.get('x-amz-credential');
    signedHeaders = query.get('x-amz-signedheaders');
    signature = query.get('x-amz-signature');
    amzDate = query.get('x-amz-date');
  } else {
    return { ok: false, failure: 'missing', presigned };
  }
  const credential = credentialText ? parseCredential(credentialText) : undefined;
  if (!credential || !signedHeaders || !signature || !amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) return { ok: false, failure: 'malformed', presigned };
  const secret = secretOf(credential.accessKeyId);
  if (secret === undefined) return { ok: false, failure: 'unknownKey', accessKeyId: credential.accessKeyId, presigned };

  const headerNames = signedHeaders.split(';');
  if (headerNames.some((name) => headerValue(request.headers, name) === undefined)) return { ok: false, failure: 'mismatch', accessKeyId: credential.accessKeyId, presigned };
  const declaredHash = headerValue(request.headers, 'x-amz-content-sha256');
  // A body read here must be the one whose hash was signed (the SDK sends the hash as a header).
  if (request.body && declaredHash && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== sha256Hex(request.body)) {
    return { ok: false, failure: 'mismatch', accessKeyId: credential.accessKeyId, presigned };
  }
  const payloadHash = presigned ? (query.get('x-amz-content-sha256') ?? declaredHash ?? 'UNSIGNED-PAYLOAD') : (declaredHash ?? sha256Hex(request.body ?? Buffer.alloc(0)));
  const canonicalRequest = [
    request.method,
    canonicalPath(path, options.s3),
    canonicalQuery(pairs),
    ...headerNames.map((name) => `${name}:${canonicalHeader(headerValue(request.headers, name) ?? '')}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, credential)).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, failure: 'mismatch', accessKeyId: credential.accessKeyId, presigned };

  if (presigned) {
    const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const expires = Number(query.get('x-amz-expires') ?? '0');
    if ((options.now ?? new Date()).getTime() > signedAt + expires * 1000) return { ok: false, failure: 'expired', accessKeyId: credential.accessKeyId, presigned };
  }
  return { ok: true, accessKeyId: credential.accessKeyId, presigned };
};
