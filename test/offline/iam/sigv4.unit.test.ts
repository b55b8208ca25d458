import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifySignature, type WireRequest } from '../../../infra/offline/iam/sigv4.js';

/**
 * The verifier against what the SDK itself sends: real clients sign requests to a local server
 * that only records them (method, path and query as on the wire, headers, body).
 */
const secrets: Record<string, string> = { AKIALOCALAPI: 'api-secret' };
const secretOf = (id: string) => secrets[id];
const credentials = (secretAccessKey = 'api-secret') => ({ accessKeyId: 'AKIALOCALAPI', secretAccessKey });

let server: Server;
let endpoint: string;
let recorded: WireRequest[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      recorded.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers as IncomingHttpHeaders, body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  recorded = [];
});

const dynamo = (secretAccessKey?: string) => new DynamoDBClient({ endpoint, region: 'eu-west-3', credentials: credentials(secretAccessKey), maxAttempts: 1 });
const s3 = () =>
  new S3Client({
    endpoint,
    region: 'eu-west-3',
    credentials: credentials(),
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
const last = (): WireRequest => {
  const request = recorded.at(-1);
  if (!request) throw new Error('nothing recorded');
  return request;
};

describe('SigV4 verification', () => {
  it('given a DynamoDB call signed by the SDK, it is accepted and names its key', async () => {
    await dynamo().send(new GetItemCommand({ TableName: 'local-tp-views', Key: { pk: { S: 'a' } } }));
    expect(verifySignature(last(), secretOf, { s3: false })).toEqual({ ok: true, accessKeyId: 'AKIALOCALAPI', presigned: false });
  });

  it('given a body changed after signing, a wrong secret, an unknown key or no signature, it is refused', async () => {
    await dynamo().send(new GetItemCommand({ TableName: 'local-tp-views', Key: { pk: { S: 'a' } } }));
    const signed = last();
    expect(verifySignature({ ...signed, body: Buffer.from(String(signed.body).replace('views', 'events')) }, secretOf, { s3: false })).toMatchObject({
      ok: false,
      failure: 'mismatch',
    });
    expect(verifySignature(signed, () => undefined, { s3: false })).toMatchObject({ ok: false, failure: 'unknownKey' });
    await dynamo('guessed').send(new GetItemCommand({ TableName: 'local-tp-views', Key: { pk: { S: 'a' } } }));
    expect(verifySignature(last(), secretOf, { s3: false })).toMatchObject({ ok: false, failure: 'mismatch' });
    expect(verifySignature({ method: 'POST', url: '/', headers: {} }, secretOf, { s3: false })).toMatchObject({ ok: false, failure: 'missing' });
  });

  it('given an S3 PutObject with a checksum and a key that needs encoding, it is accepted', async () => {
    await s3().send(new PutObjectCommand({ Bucket: 'local-tp-uploads', Key: 'pv/a b(c)é.pdf', Body: 'pdf', ChecksumSHA256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' }));
    expect(last().url).toContain('%20');
    expect(verifySignature({ ...last(), body: undefined }, secretOf, { s3: true })).toMatchObject({ ok: true });
  });

  it('given a presigned URL, it is accepted until it expires, and refused once its key or expiry is changed', async () => {
    const signedAt = new Date();
    const url = new URL(await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'local-tp-pv', Key: 'pv/a.pdf' }), { expiresIn: 300 }));
    const wire: WireRequest = { method: 'GET', url: `${url.pathname}${url.search}`, headers: { host: url.host } };
    const at = (seconds: number) => new Date(signedAt.getTime() + seconds * 1000);
    expect(verifySignature(wire, secretOf, { s3: true, now: at(10) })).toMatchObject({ ok: true, presigned: true });
    expect(verifySignature(wire, secretOf, { s3: true, now: at(400) })).toMatchObject({ ok: false, failure: 'expired' });
    expect(verifySignature({ ...wire, url: wire.url.replace('a.pdf', 'b.pdf') }, secretOf, { s3: true, now: at(10) })).toMatchObject({ ok: false, failure: 'mismatch' });
    expect(verifySignature({ ...wire, url: wire.url.replace('X-Amz-Expires=300', 'X-Amz-Expires=3000') }, secretOf, { s3: true, now: at(10) })).toMatchObject({
      ok: false,
      failure: 'mismatch',
    });
    expect(verifySignature({ ...wire, headers: { host: 'evil.example' } }, secretOf, { s3: true, now: at(10) })).toMatchObject({ ok: false, failure: 'mismatch' });
  });
});
