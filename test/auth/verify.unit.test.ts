import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoUser, openLocalIdentityProvider, type LocalIdentityProvider } from '../../shared/auth/localIdp.js';
import { createTokenVerifier, LOCAL_AUDIENCE, LOCAL_ISSUER, type TokenVerifier } from '../../shared/auth/verify.js';

/*
 * The verifier of the pages' cookie (and of the offline authorizer): a token signed by the issuer,
 * for our audience and in date is still refused when it is not an ID token.
 */

const centre = findDemoUser('centre')?.claims ?? { sub: 'usr_centre-lyon', 'custom:role': 'centre' as const };

let dir: string;
let idp: LocalIdentityProvider;
let verify: TokenVerifier;
/** Signs with the issuer's own key: everything right but what the test changes. */
let signWithIssuerKey: (payload: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-verify-'));
  const keyFile = join(dir, 'idp-key.json');
  idp = await openLocalIdentityProvider(keyFile);
  verify = createTokenVerifier({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, jwks: idp.jwks });
  const stored = JSON.parse(await readFile(keyFile, 'utf8')) as { kid: string; privateJwk: JWK };
  const key = await importJWK(stored.privateJwk, 'RS256');
  const { sub, ...claims } = centre;
  signWithIssuerKey = (payload) =>
    new SignJWT({ ...claims, ...payload })
      .setProtectedHeader({ alg: 'RS256', kid: stored.kid, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('token verification: ID tokens only', () => {
  it('accepts the issuer’s ID token and gives its claims', async () => {
    await expect(verify(await idp.sign(centre))).resolves.toMatchObject({ sub: centre.sub, 'custom:role': 'centre' });
    await expect(verify(await signWithIssuerKey({ token_use: 'id' }))).resolves.toMatchObject({ sub: centre.sub });
  });

  it('refuses an access token of the same issuer and audience, even carrying a role and a scope (« session expirée »)', async () => {
    await expect(verify(await signWithIssuerKey({ token_use: 'access' }))).rejects.toMatchObject({ code: 'auth.token.invalid', category: 'unauthenticated' });
    await expect(verify(await signWithIssuerKey({ token_use: 'refresh' }))).rejects.toMatchObject({ code: 'auth.token.invalid' });
  });

  it('refuses a token of the same issuer and audience that does not say it is an ID token', async () => {
    await expect(verify(await signWithIssuerKey({}))).rejects.toMatchObject({ code: 'auth.token.invalid', category: 'unauthenticated' });
  });
});
