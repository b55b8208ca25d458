import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, SESSION_COOKIE } from '../../shared/auth/verify.js';
import { RUNTIME_ANSWER_HEADER, type OfflineRuntime } from '../../infra/offline/index.js';
import { boot, temporaryDataDir, tokenFor } from './support.js';

let runtime: OfflineRuntime;
let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let centreToken: string;

beforeAll(async () => {
  data = await temporaryDataDir();
  runtime = await boot(data.path);
  centreToken = await tokenFor(runtime, 'centre');
});
afterAll(async () => {
  await runtime.stop();
  await data.remove();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${runtime.urls.app}${path}`, { headers, redirect: 'manual' });
const echo = async (response: Response) => (await response.json()) as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('the API Gateway stand-in', () => {
  it('given a declared route with a parameter, when called with a valid token, then the handler gets a payload 2.0 event with claims', async () => {
    const response = await get('/echo/ses_42?b=2&a=1&a=3', { authorization: `Bearer ${centreToken}`, 'X-Custom': 'Oui', cookie: 'x=1; y=2' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-fixture')).toBe('echo');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    const event = await echo(response);
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /echo/{id}');
    expect(event.rawPath).toBe('/echo/ses_42');
    expect(event.rawQueryString).toBe('b=2&a=1&a=3');
    expect(event.queryStringParameters).toEqual({ a: '1,3', b: '2' });
    expect(event.pathParameters).toEqual({ id: 'ses_42' });
    expect(event.headers['x-custom']).toBe('Oui');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['x=1', 'y=2']);
    expect(event.requestContext.http.method).toBe('GET');
    expect(event.requestContext.http.path).toBe('/echo/ses_42');
    expect(event.requestContext.routeKey).toBe('GET /echo/{id}');
    expect(event.requestContext.stage).toBe('$default');
    expect(typeof event.requestContext.requestId).toBe('string');
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(event.requestContext.authorizer.jwt.claims['custom:role']).toBe('centre');
    expect(event.requestContext.authorizer.jwt.claims['custom:centreId']).toBe('ctr_lyon-formation');
    expect(typeof event.requestContext.authorizer.jwt.claims.exp).toBe('string');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBeUndefined();
  });

  it('given a literal route and a parameter route, then the literal one wins, and a greedy route takes the rest of the path', async () => {
    const fixed = await echo(await get('/echo/fixed', { authorization: `Bearer ${centreToken}` }));
    expect(fixed.routeKey).toBe('GET /echo/fixed');
    expect(fixed.pathParameters).toBeUndefined();
    const greedy = await echo(await get('/files/a/b%20c/d.pdf', { authorization: `Bearer ${centreToken}` }));
    expect(greedy.routeKey).toBe('GET /files/{proxy+}');
    expect(greedy.pathParameters).toEqual({ proxy: 'a/b c/d.pdf' });
  });

  it('when no route matches the path or the method, then it answers the runtime’s own 404', async () => {
    for (const response of [await get('/nulle-part'), await fetch(`${runtime.urls.app}/echo/fixed`, { method: 'DELETE' }), await get('/files')]) {
      expect(response.status).toBe(404);
      expect(response.headers.get(RUNTIME_ANSWER_HEADER)).toBe('no-route');
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('given a protected route, when the token is missing, malformed, signed by another key, expired or for another audience, then 401 Unauthorized', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ 'custom:role': 'region', token_use: 'id' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(privateKey);
    const stored = JSON.parse(await readFile(join(runtime.dataDir, 'offline', 'idp-key.json'), 'utf8')) as { kid: string; privateJwk: JWK };
    const localKey = await importJWK(stored.privateJwk, 'RS256');
    const localToken = (audience: string, expiresAt: number) =>
      new SignJWT({ 'custom:role': 'region', 'custom:region': '84', token_use: 'id' })
        .setProtectedHeader({ alg: 'RS256', kid: stored.kid })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(audience)
        .setSubject('x')
        .setExpirationTime(expiresAt)
        .sign(localKey);
    const expired = await localToken(LOCAL_AUDIENCE, Math.floor(Date.now() / 1000) - 60);
    const otherAudience = await localToken('une-autre-application', Math.floor(Date.now() / 1000) + 600);
    const valid = await localToken(LOCAL_AUDIENCE, Math.floor(Date.now() / 1000) + 600);
    expect((await get('/echo/1', { authorization: `Bearer ${valid}` })).status).toBe(200);
    const parts = centreToken.split('.');
    const tampered = [
      parts[0],
      Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString()), 'custom:role': 'region' })).toString('base64url'),
      parts[2],
    ].join('.');
    for (const authorization of [
      undefined,
      'Bearer pas-un-jeton',
      `Bearer ${foreign}`,
      `Bearer ${tampered}`,
      `Bearer ${expired}`,
      `Bearer ${otherAudience}`,
      `Basic ${centreToken}`,
    ]) {
      const response = await get('/echo/1', authorization ? { authorization } : {});
      expect(response.status, authorization).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('given a public route, then no token is needed and the event carries no authorizer', async () => {
    const event = await echo(await get('/public/7'));
    expect(event.pathParameters).toEqual({ id: '7' });
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('when a binary or multipart body is posted, then it arrives base64-encoded; a JSON body arrives as text', async () => {
    const form = new FormData();
    form.append('pv', new Blob([Buffer.from([0, 1, 2, 255])], { type: 'application/pdf' }), 'pv.pdf');
    const multipart = await echo(await fetch(`${runtime.urls.app}/public/upload`, { method: 'POST', body: form }));
    expect(multipart.isBase64Encoded).toBe(true);
    expect(Buffer.from(multipart.body ?? '', 'base64').includes(Buffer.from([0, 1, 2, 255]))).toBe(true);
    const json = await echo(
      await fetch(`${runtime.urls.app}/echo`, { method: 'POST', body: '{"a":"é"}', headers: { 'content-type': 'application/json', authorization: `Bearer ${centreToken}` } }),
    );
    expect(json.isBase64Encoded).toBe(false);
    expect(json.body).toBe('{"a":"é"}');
  });

  it('when the body is larger than 10 MB, then 413 without calling the function', async () => {
    const response = await fetch(`${runtime.urls.app}/public/upload`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(response.headers.get(RUNTIME_ANSWER_HEADER)).toBe('too-large');
  });

  it('maps results as API Gateway does: bare object as JSON, bare string as is, base64 bodies decoded, a throw as 500', async () => {
    const plain = await get('/plain');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ bonjour: 'monde' });
    expect(await (await get('/text')).text()).toBe('Bonjour');
    const binary = await get('/binary');
    expect(binary.status).toBe(201);
    expect(Buffer.from(await binary.arrayBuffer()).toString()).toBe('%PDF-1.7');
    const boom = await get('/boom');
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ message: 'Internal Server Error' });
  });
});

describe('the local sign-in', () => {
  it('serves a French sign-in form listing the demo users, usable without JavaScript', async () => {
    const response = await get('/connexion');
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<form method="post" action="/connexion">');
    for (const handle of ['centre', 'centre2', 'ud', 'region', 'juror']) expect(html).toContain(`value="${handle}"`);
  });

  it('when a demo user signs in, then an HttpOnly SameSite=Lax cookie holds a token the authorizer accepts, and the browser goes to /', async () => {
    const response = await fetch(`${runtime.urls.app}/connexion`, {
      method: 'POST',
      body: new URLSearchParams({ utilisateur: 'ud' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = response.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const token = /^tp_session=([^;]+)/.exec(cookie)?.[1] ?? '';
    const event = await echo(await get('/echo/1', { authorization: `Bearer ${token}` }));
    expect(event.requestContext.authorizer.jwt.claims['custom:department']).toBe('69');
  });

  it('when a sign-in asks to return to another site, then it goes to / instead (no open redirect)', async () => {
    const response = await fetch(`${runtime.urls.app}/connexion`, {
      method: 'POST',
      body: new URLSearchParams({ utilisateur: 'ud', retour: '//evil.example/' }),
      redirect: 'manual',
    });
    expect(response.headers.get('location')).toBe('/');
  });

  it('publishes the JWKS, and signing out clears the cookie', async () => {
    const jwks = (await (await get('/.well-known/jwks.json')).json()) as { keys: { kty: string; alg: string }[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    const out = await get('/deconnexion');
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie()[0]).toContain('Max-Age=0');
  });

  it('lets only a regional admin move the clock', async () => {
    const ud = await tokenFor(runtime, 'ud');
    const refused = await fetch(`${runtime.urls.app}/local/clock`, { method: 'POST', headers: { authorization: `Bearer ${ud}` }, body: JSON.stringify({ to: '2099-01-01' }) });
    expect(refused.status).toBe(403);
    const anonymous = await fetch(`${runtime.urls.app}/local/clock`, { method: 'POST', body: JSON.stringify({ to: '2099-01-01' }) });
    expect(anonymous.status).toBe(401);
    const page = await get('/local/horloge');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/connexion?retour=%2Flocal%2Fhorloge');
  });
});
