import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { remoteKeySet } from '../../shared/auth/jwks.js';
import { createTokenVerifier } from '../../shared/auth/verify.js';
import { AppError } from '../../shared/errors.js';

/** An issuer on 127.0.0.1 serving its key set, whose answers and keys each test sets. */
interface Issuer {
  /** What GET /jwks.json answers next: a status and a body, or nothing at all (a hung issuer). */
  answer: { status: number; body: string } | 'hang';
  requests: number;
}

const issuer: Issuer = { answer: { status: 200, body: '{"keys":[]}' }, requests: 0 };
let server: Server;
let url: URL;

const keyPair = async (kid: string) => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const sign = (claims: Record<string, unknown> = {}) =>
    new SignJWT({ 'custom:role': 'centre', token_use: 'id', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('usr_test')
      .setIssuer('https://issuer.test')
      .setAudience('tp-test')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  return { jwk, sign };
};
const serve = (...keys: JWK[]) => {
  issuer.answer = { status: 200, body: JSON.stringify({ keys }) };
};
const verifyWith = (getKey: ReturnType<typeof remoteKeySet>, token: string) => jwtVerify(token, getKey, { issuer: 'https://issuer.test', audience: 'tp-test' });

let first: Awaited<ReturnType<typeof keyPair>>;
let rotated: Awaited<ReturnType<typeof keyPair>>;

beforeAll(async () => {
  [first, rotated] = await Promise.all([keyPair('key-1'), keyPair('key-2')]);
  server = createServer((request, response) => {
    issuer.requests += 1;
    if (request.url !== '/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    const answer = issuer.answer;
    if (answer === 'hang') return; // never answers: the key set's own timeout must end the wait
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  issuer.requests = 0;
  serve(first.jwk);
});

describe('remoteKeySet: the issuer’s keys fetched over node:https and cached (no undici at cold start)', () => {
  it('fetches the key set on the first verification only, and verifies later tokens from the cache', async () => {
    const getKey = remoteKeySet(url);
    expect(issuer.requests).toBe(0);
    for (let i = 0; i < 3; i += 1) expect((await verifyWith(getKey, await first.sign())).payload.sub).toBe('usr_test');
    expect(issuer.requests).toBe(1);
  });

  it('shares one fetch between verifications that start together', async () => {
    const getKey = remoteKeySet(url);
    const tokens = await Promise.all([first.sign(), first.sign(), first.sign(), first.sign()]);
    await Promise.all(tokens.map((token) => verifyWith(getKey, token)));
    expect(issuer.requests).toBe(1);
  });

  it('fetches again for a key it does not hold once the cooldown has passed (the issuer rotated its keys), not before', async () => {
    let now = 1_000_000;
    const getKey = remoteKeySet(url, { cooldownMs: 30_000, now: () => now });
    await verifyWith(getKey, await first.sign());
    serve(first.jwk, rotated.jwk);

    now += 10_000;
    await expect(verifyWith(getKey, await rotated.sign())).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(issuer.requests).toBe(1);

    now += 20_000;
    expect((await verifyWith(getKey, await rotated.sign())).protectedHeader.kid).toBe('key-2');
    expect(issuer.requests).toBe(2);
  });

  it('fetches again before use once the set is older than its maximum age, and drops keys the issuer withdrew', async () => {
    let now = 5_000_000;
    const getKey = remoteKeySet(url, { maxAgeMs: 600_000, now: () => now });
    await verifyWith(getKey, await first.sign());
    serve(rotated.jwk);
    now += 599_999;
    await verifyWith(getKey, await first.sign());
    expect(issuer.requests).toBe(1);
    now += 1;
    await expect(verifyWith(getKey, await first.sign())).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(issuer.requests).toBe(2);
  });

  it('refuses an answer other than 200 or a body that is not a key set, and tries again on the next verification', async () => {
    const getKey = remoteKeySet(url);
    issuer.answer = { status: 503, body: 'indisponible' };
    await expect(verifyWith(getKey, await first.sign())).rejects.toThrow(/Expected 200 OK .* got 503/);
    issuer.answer = { status: 200, body: '{"keys": "none"' };
    await expect(verifyWith(getKey, await first.sign())).rejects.toBeInstanceOf(errors.JWKSInvalid);
    issuer.answer = { status: 200, body: '{"keys": "none"}' };
    await expect(verifyWith(getKey, await first.sign())).rejects.toThrow('JSON Web Key Set malformed');
    serve(first.jwk);
    expect((await verifyWith(getKey, await first.sign())).payload.sub).toBe('usr_test');
    expect(issuer.requests).toBe(4);
  });

  // The issuer never answers: without the timeout this test would hang until vitest's own limit.
  it('gives up on an issuer that does not answer within the timeout', async () => {
    const getKey = remoteKeySet(url, { timeoutMs: 200 });
    issuer.answer = 'hang';
    await expect(verifyWith(getKey, await first.sign())).rejects.toBeInstanceOf(errors.JWKSTimeout);
  });

  it('the token verifier throws the fetch’s own error when the key set cannot be had (no answer, not a key set): an outage, not « session expirée »', async () => {
    const hung = createTokenVerifier({ issuer: 'https://issuer.test', audience: 'tp-test', jwks: remoteKeySet(url, { timeoutMs: 200 }) });
    issuer.answer = 'hang';
    await expect(hung(await first.sign())).rejects.toBeInstanceOf(errors.JWKSTimeout);
    const failing = createTokenVerifier({ issuer: 'https://issuer.test', audience: 'tp-test', jwks: url.href });
    issuer.answer = { status: 503, body: 'Service Unavailable' };
    const refusal = await failing(await first.sign()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(errors.JWKSInvalid);
    expect(refusal).not.toBeInstanceOf(AppError);
    // Once the issuer answers again, the same verifier verifies, and still refuses a foreign key as a bad token.
    serve(first.jwk);
    await expect(failing(await first.sign())).resolves.toMatchObject({ sub: 'usr_test' });
    await expect(failing(await rotated.sign())).rejects.toMatchObject({ code: 'auth.token.invalid', category: 'unauthenticated' });
  });

  it('serves the token verifier given a JWKS URL: valid claims pass, a token of another issuer is « session expirée »', async () => {
    const verify = createTokenVerifier({ issuer: 'https://issuer.test', audience: 'tp-test', jwks: url.href });
    await expect(verify(await first.sign())).resolves.toMatchObject({ sub: 'usr_test', 'custom:role': 'centre' });
    await expect(verify(await rotated.sign())).rejects.toMatchObject({ code: 'auth.token.invalid', category: 'unauthenticated' });
  });
});
