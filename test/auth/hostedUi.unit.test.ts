import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errors } from 'jose';
import { describe, expect, it } from 'vitest';
import { createHostedUi, signInPath } from '../../shared/auth/hostedUi.js';
import type { TokenClaims } from '../../shared/auth/principal.js';
import { AppError } from '../../shared/errors.js';

const hostedUiUrl = 'https://tp-sessions-dev.auth.eu-west-3.amazoncognito.com';
const appUrl = 'https://app.example.fr';
const claims: TokenClaims = { sub: 'u1', 'custom:role': 'ud', 'custom:department': '69', 'custom:region': '84' };

/** The clock of these tests, in seconds since the epoch. */
const NOW = 1_800_000_000;
const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An ID token as the token endpoint returns it (its signature is the stub verifier's business): valid for an hour. */
const ID_TOKEN = `${segment({ alg: 'RS256', kid: 'k1' })}.${segment({ ...claims, token_use: 'id', exp: NOW + 3600 })}.c2lnbmF0dXJl`;

const event = (path: string, query: Record<string, string> = {}, cookies: string[] = []) =>
  ({ rawPath: path, queryStringParameters: query, cookies, headers: {}, requestContext: {} }) as unknown as APIGatewayProxyEventV2;

const setup = (token: { ok: boolean; body: unknown }, verifyOk = true) => {
  const requests: { url: string; body: string }[] = [];
  let counter = 0;
  const hostedUi = createHostedUi({
    hostedUiUrl,
    clientId: 'client-123',
    appUrl,
    verify: async (jwt) => {
      // As the real verifier: a token refused is an `unauthenticated` AppError.
      if (!verifyOk || jwt !== ID_TOKEN) throw new AppError('auth.token.invalid', 'unauthenticated', 'Votre session a expiré ou n’est pas valide : reconnectez-vous.');
      return claims;
    },
    fetch: (async (url: string, init: { body: URLSearchParams }) => {
      requests.push({ url, body: String(init.body) });
      return { ok: token.ok, json: async () => token.body };
    }) as unknown as typeof fetch,
    randomToken: () => `random-${(counter += 1)}`,
    now: () => NOW * 1000,
  });
  return { hostedUi, requests };
};

const flowCookieOf = (cookies: string[] | undefined) => (cookies ?? []).find((c) => c.startsWith('tp_signin='))?.split(';')[0] ?? '';

describe('sign-in of the pages through the Cognito hosted UI', () => {
  it('given a person not signed in, when they start, then they go to the hosted UI with a state and an S256 PKCE challenge kept in a short-lived cookie', async () => {
    const { hostedUi } = setup({ ok: true, body: {} });
    const result = await hostedUi.signIn(event('/auth/connexion', { retour: '/ud/pv' }));
    const location = new URL(String(result.headers?.location));
    expect(location.origin + location.pathname).toBe(`${hostedUiUrl}/oauth2/authorize`);
    expect(location.searchParams.get('redirect_uri')).toBe(`${appUrl}/auth/callback`);
    expect(location.searchParams.get('state')).toBe('random-1');
    expect(location.searchParams.get('code_challenge')).toBe(createHash('sha256').update('random-2').digest('base64url'));
    expect(flowCookieOf(result.cookies)).toContain('random-2');
    expect(result.cookies?.[0]).toMatch(/HttpOnly; Secure; SameSite=Lax; Max-Age=600/);
  });

  it('given the hosted UI sends the person back with the code and the same state, then the code is exchanged with the PKCE verifier and the verified ID token becomes the session cookie', async () => {
    const { hostedUi, requests } = setup({ ok: true, body: { id_token: ID_TOKEN, expires_in: 3600 } });
    const started = await hostedUi.signIn(event('/auth/connexion', { retour: '/ud/pv' }));
    const result = await hostedUi.callback(event('/auth/callback', { code: 'code-1', state: 'random-1' }, [flowCookieOf(started.cookies)]));
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(`${hostedUiUrl}/oauth2/token`);
    expect(new URLSearchParams(requests[0]?.body).get('code_verifier')).toBe('random-2');
    expect(result.statusCode).toBe(303);
    expect(result.headers?.location).toBe('/ud/pv');
    expect(result.cookies?.[0]).toBe(`tp_session=${ID_TOKEN}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=3600`);
  });

  it('refuses a callback whose state does not match, with no exchange of the code', async () => {
    const { hostedUi, requests } = setup({ ok: true, body: { id_token: ID_TOKEN } });
    const started = await hostedUi.signIn(event('/auth/connexion'));
    const result = await hostedUi.callback(event('/auth/callback', { code: 'code-1', state: 'forged' }, [flowCookieOf(started.cookies)]));
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatch(/Connexion interrompue/);
    expect(requests).toHaveLength(0);
  });

  it('sets no session cookie when the ID token does not verify', async () => {
    const { hostedUi } = setup({ ok: true, body: { id_token: ID_TOKEN } }, false);
    const started = await hostedUi.signIn(event('/auth/connexion'));
    const result = await hostedUi.callback(event('/auth/callback', { code: 'c', state: 'random-1' }, [flowCookieOf(started.cookies)]));
    expect(result.statusCode).toBe(400);
    expect(result.cookies ?? []).toEqual([]);
  });

  it('never redirects off the site after sign-in (open redirect)', async () => {
    const { hostedUi } = setup({ ok: true, body: { id_token: ID_TOKEN } });
    const started = await hostedUi.signIn(event('/auth/connexion', { retour: '//evil.example/x' }));
    const result = await hostedUi.callback(event('/auth/callback', { code: 'c', state: 'random-1' }, [flowCookieOf(started.cookies)]));
    expect(result.headers?.location).toBe('/');
  });

  it('signs out of the hosted UI and clears the session cookie', async () => {
    const { hostedUi } = setup({ ok: true, body: {} });
    const result = await hostedUi.signOut();
    expect(String(result.headers?.location)).toBe(`${hostedUiUrl}/logout?client_id=client-123&logout_uri=${encodeURIComponent(appUrl)}`);
    expect(result.cookies?.[0]).toMatch(/^tp_session=; .*Max-Age=0$/);
  });

  it('sends pages to the local sign-in offline and to the hosted UI route in AWS', () => {
    expect(signInPath({})).toBe('/connexion');
    expect(signInPath({ AUTH_HOSTED_UI_URL: hostedUiUrl })).toBe('/auth/connexion');
  });
});

describe('the session cookie’s lifetime', () => {
  it('is the ID token’s, not the access token’s `expires_in` of the token endpoint', async () => {
    const { hostedUi } = setup({ ok: true, body: { id_token: ID_TOKEN, access_token: 'a.b.c', expires_in: 300 } });
    const started = await hostedUi.signIn(event('/auth/connexion'));
    const result = await hostedUi.callback(event('/auth/callback', { code: 'c', state: 'random-1' }, [flowCookieOf(started.cookies)]));
    expect(result.statusCode).toBe(303);
    expect(result.cookies?.[0]).toMatch(/; Max-Age=3600$/);
  });
});

describe('sign-in callback when Cognito’s token endpoint misbehaves', () => {
  const withTokenEndpoint = (answer: () => Promise<unknown>, verify: () => Promise<TokenClaims> = async () => claims) =>
    createHostedUi({
      hostedUiUrl,
      clientId: 'client-123',
      appUrl,
      verify,
      fetch: answer as unknown as typeof fetch,
      randomToken: () => 'random',
    });
  const backFromHostedUi = async (hostedUi: ReturnType<typeof createHostedUi>) => {
    const started = await hostedUi.signIn(event('/auth/connexion'));
    return hostedUi.callback(event('/auth/callback', { code: 'c', state: 'random' }, [flowCookieOf(started.cookies)]));
  };

  const unavailable = 'Le service de connexion ne répond pas : réessayez dans quelques instants depuis la page de connexion.';

  it('answers 503 in French, with no session cookie, when the endpoint cannot be reached', async () => {
    const result = await backFromHostedUi(withTokenEndpoint(() => Promise.reject(new TypeError('fetch failed'))));
    expect(result.statusCode).toBe(503);
    expect(result.body).toBe(unavailable);
    expect(result.cookies ?? []).toEqual([]);
  });

  it('answers 503 in French when the endpoint answers something other than JSON, and the refusal when it answers JSON null', async () => {
    const notJson = await backFromHostedUi(withTokenEndpoint(async () => ({ ok: true, json: () => Promise.reject(new SyntaxError('Unexpected token <')) })));
    expect(notJson.statusCode).toBe(503);
    expect(notJson.body).toBe(unavailable);
    const nullBody = await backFromHostedUi(withTokenEndpoint(async () => ({ ok: true, json: async () => null })));
    expect(nullBody.statusCode).toBe(400);
    expect(nullBody.body).toMatch(/^La connexion a été refusée/);
  });
});

describe('sign-in callback when the issuer’s keys cannot be fetched', () => {
  it('answers 503 in French, with no session cookie, not « connexion refusée » (nothing is known of the token)', async () => {
    const { hostedUi } = setup({ ok: true, body: { id_token: ID_TOKEN } });
    const outage = createHostedUi({
      hostedUiUrl,
      clientId: 'client-123',
      appUrl,
      verify: () => Promise.reject(new errors.JWKSTimeout()),
      fetch: (async () => ({ ok: true, json: async () => ({ id_token: ID_TOKEN }) })) as unknown as typeof fetch,
      randomToken: () => 'random-1',
    });
    const started = await hostedUi.signIn(event('/auth/connexion'));
    const result = await outage.callback(event('/auth/callback', { code: 'c', state: 'random-1' }, [flowCookieOf(started.cookies)]));
    expect(result.statusCode).toBe(503);
    expect(result.body).toMatch(/^Le service de connexion ne répond pas/);
    expect(result.cookies ?? []).toEqual([]);
  });
});

describe('the page a person returns to after sign-in', () => {
  it.each(['/\u0000/evil.example', '/centre\u0007', '/ud\u007f', '/centre/sessions/é'])(
    'is the home page when it holds a control or non-ASCII character (%j), never a broken location header',
    async (retour) => {
      const { hostedUi } = setup({ ok: true, body: { id_token: ID_TOKEN } });
      const started = await hostedUi.signIn(event('/auth/connexion', { retour }));
      const result = await hostedUi.callback(event('/auth/callback', { code: 'c', state: 'random-1' }, [flowCookieOf(started.cookies)]));
      expect(result.headers?.location).toBe('/');
    },
  );

  it('keeps a percent-encoded path with its query, as the pages send it', async () => {
    const { hostedUi } = setup({ ok: true, body: { id_token: ID_TOKEN } });
    const started = await hostedUi.signIn(event('/auth/connexion', { retour: '/centre/sessions/ses_1?ok=jury&x=%C3%A9' }));
    const result = await hostedUi.callback(event('/auth/callback', { code: 'c', state: 'random-1' }, [flowCookieOf(started.cookies)]));
    expect(result.headers?.location).toBe('/centre/sessions/ses_1?ok=jury&x=%C3%A9');
  });
});
