import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/**
 * The issuer's key set, fetched from its JWKS URL over `node:https` and cached, as jose's
 * `createRemoteJWKSet` does it, minus one cost: jose's builds a `Headers` at creation and fetches
 * with `fetch`, which loads Node's undici, about 18 ms of every cold start of the HTTP functions
 * (issue 16). The SDK's HTTP handler has already loaded `node:https`. Both modules are taken with
 * `process.getBuiltinModule`, not an `import`: the ES module facade of `node:http` reads every
 * export, and one of them (`WebSocket`) loads undici too.
 *
 * Same behaviour as jose's: fetched on the first verification, then again when older than
 * `maxAgeMs`, or when a token names a key the set does not hold and the last fetch is older than
 * `cooldownMs` (the issuer rotated its keys); concurrent verifications share one fetch; a fetch
 * that fails is not kept, the next verification tries again.
 */
export interface RemoteKeySetOptions {
  /** Longest wait for the issuer's answer (5 s by default). */
  readonly timeoutMs?: number;
  /** Least time between two fetches for an unknown key (30 s by default). */
  readonly cooldownMs?: number;
  /** Age after which the set is fetched again before use (10 min by default). */
  readonly maxAgeMs?: number;
  /** The clock, in ms since the epoch (tests move it). */
  readonly now?: () => number;
}

/** A key set is a few keys: an answer larger than this is not one. */
const MAX_JWKS_BYTES = 256 * 1024;

const jwksError = (message: string, cause?: unknown) => Object.assign(new errors.JWKSInvalid(message), cause === undefined ? {} : { cause });

const isKeySet = (value: unknown): value is JSONWebKeySet =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as { keys?: unknown }).keys) &&
  (value as { keys: unknown[] }).keys.every((key) => typeof key === 'object' && key !== null);

/** GET `url` and parse its JSON body: 200 only, within `timeoutMs`, at most MAX_JWKS_BYTES. */
const fetchJson = (url: URL, timeoutMs: number): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? process.getBuiltinModule('node:https').request : url.protocol === 'http:' ? process.getBuiltinModule('node:http').request : undefined;
    if (!send) {
      reject(jwksError(`Unsupported JWKS URL scheme: ${url.protocol}`));
      return;
    }
    const request = send(url, { method: 'GET', headers: { accept: 'application/json, application/jwk-set+json' } }, (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(jwksError(`Expected 200 OK from the JSON Web Key Set HTTP response, got ${response.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_JWKS_BYTES) request.destroy(jwksError('JSON Web Key Set HTTP response too large'));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(jwksError('Failed to parse the JSON Web Key Set HTTP response as JSON', error));
        }
      });
      response.on('error', reject);
    });
    const timer = setTimeout(() => request.destroy(new errors.JWKSTimeout()), timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', reject);
    request.end();
  });

export const remoteKeySet = (url: URL, options: RemoteKeySetOptions = {}): JWTVerifyGetKey => {
  const { timeoutMs = 5_000, cooldownMs = 30_000, maxAgeMs = 600_000, now = Date.now } = options;
  let local: JWTVerifyGetKey | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;

  const reload = () =>
    (pending ??= fetchJson(url, timeoutMs)
      .then((json) => {
        if (!isKeySet(json)) throw jwksError('JSON Web Key Set malformed');
        local = createLocalJWKSet(json);
        fetchedAt = now();
      })
      .finally(() => {
        pending = undefined;
      }));

  return async (header, token) => {
    if (!local || now() - fetchedAt >= maxAgeMs) await reload();
    try {
      return await (local as JWTVerifyGetKey)(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now() - fetchedAt < cooldownMs) throw error;
      await reload();
      return (local as JWTVerifyGetKey)(header, token);
    }
  };
};
