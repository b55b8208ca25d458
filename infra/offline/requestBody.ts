import { IncomingMessage } from 'node:http';

/**
 * A request's body read whole, and a fresh request carrying it for the handler behind: what the
 * offline layers in front of an emulator use when they must see the body before the emulator does
 * (the IAM gateway, ./iam/gateway.ts; the S3 rules, ./s3Rules.ts).
 */
export const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** A fresh request carrying the body already read, for the emulator behind. */
export const replayRequest = (original: IncomingMessage, body: Buffer): IncomingMessage => {
  const copy = new IncomingMessage(original.socket);
  copy.method = original.method ?? 'GET';
  copy.url = original.url ?? '/';
  copy.headers = original.headers;
  copy.rawHeaders = original.rawHeaders;
  copy.httpVersion = original.httpVersion;
  copy.httpVersionMajor = original.httpVersionMajor;
  copy.httpVersionMinor = original.httpVersionMinor;
  if (body.length > 0) copy.push(body);
  copy.push(null);
  copy.complete = true;
  return copy;
};
