import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decodeJwt } from 'jose';
import type { HttpResponse } from '../http/event.js';
import { SESSION_COOKIE, type TokenVerifier } from './verify.js';
import { AUTH_ENV } from '../platform/env.js';
import { isAppError } from '../errors.js';

/**
 * Sign-in of the pages in AWS, through Cognito's hosted UI (authorization code flow with PKCE).
 * The pages authenticate with the `tp_session` cookie holding a Cognito ID token (it carries the
 * `custom:*` role and scope claims; access tokens do not). Offline, the runtime's local sign-in at
 * `/connexion` stands in for the hosted UI, so these routes only redirect there.
 */
export const HOSTED_UI_PATHS = { signIn: '/auth/connexion', callback: '/auth/callback', signOut: '/auth/deconnexion' } as const;

/** Where a page sends a person who is not signed in: the hosted UI in AWS, the local sign-in offline. */
export const signInPath = (env: NodeJS.ProcessEnv = process.env): string => (env[AUTH_ENV.HOSTED_UI_URL] ? HOSTED_UI_PATHS.signIn : '/connexion');
export const signOutPath = (env: NodeJS.ProcessEnv = process.env): string => (env[AUTH_ENV.HOSTED_UI_URL] ? HOSTED_UI_PATHS.signOut : '/deconnexion');

const FLOW_COOKIE = 'tp_signin';

export interface HostedUiOptions {
  /** `https://<prefix>.auth.<region>.amazoncognito.com`; undefined offline. */
  readonly hostedUiUrl: string | undefined;
  readonly clientId: string;
  /** Public URL of the pages, e.g. `https://app.example.fr`. */
  readonly appUrl: string;
  readonly verify: TokenVerifier;
  readonly fetch?: typeof fetch;
  readonly randomToken?: () => string;
  /** The clock, in ms since the epoch (tests fix it). */
  readonly now?: () => number;
}

/** Every answer has its headers and body, so the HTTP edge adds the security headers to it. */
type Result = HttpResponse;

const redirect = (location: string, cookies: string[] = []): Result => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store' },
  cookies,
  body: '',
});

const UNAVAILABLE = 'Le service de connexion ne répond pas : réessayez dans quelques instants depuis la page de connexion.';

const refused = (message: string, statusCode = 400): Result => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body: message,
});

/**
 * Only a path of this site: never `//evil.example` nor `https://…` (no open redirect), and printable
 * ASCII only (a path the pages send here is percent-encoded): a control character in the
 * `location` header would make the answer itself fail.
 */
const safeReturn = (value: string | undefined): string => (value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : '/');

const cookieValue = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  for (const entry of (event.cookies ?? []).flatMap((c) => c.split(';'))) {
    const index = entry.indexOf('=');
    if (index > 0 && entry.slice(0, index).trim() === name) return decodeURIComponent(entry.slice(index + 1).trim());
  }
  return undefined;
};

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const base64url = (bytes: Buffer) => bytes.toString('base64url');

export const createHostedUi = (options: HostedUiOptions) => {
  const random = options.randomToken ?? (() => base64url(randomBytes(32)));
  const doFetch = options.fetch ?? fetch;
  const callbackUrl = `${options.appUrl}${HOSTED_UI_PATHS.callback}`;
  const secureCookie = (name: string, value: string, maxAgeSeconds: number) =>
    `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAgeSeconds}`;

  /** Starts the flow: a state and a PKCE verifier kept in a short-lived cookie, then the hosted UI. */
  const signIn = async (event: APIGatewayProxyEventV2): Promise<Result> => {
    if (!options.hostedUiUrl) return redirect('/connexion');
    const state = random();
    const verifier = random();
    const challenge = base64url(createHash('sha256').update(verifier).digest());
    const returnTo = safeReturn(event.queryStringParameters?.retour);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: options.clientId,
      redirect_uri: callbackUrl,
      scope: 'openid email profile',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return redirect(`${options.hostedUiUrl}/oauth2/authorize?${query}`, [secureCookie(FLOW_COOKIE, JSON.stringify({ state, verifier, returnTo }), 600)]);
  };

  /** Back from the hosted UI: checks the state, exchanges the code, verifies the ID token, sets the session cookie. */
  const callback = async (event: APIGatewayProxyEventV2): Promise<Result> => {
    if (!options.hostedUiUrl) return redirect('/connexion');
    const code = event.queryStringParameters?.code;
    const state = event.queryStringParameters?.state;
    let flow: { state?: unknown; verifier?: unknown; returnTo?: unknown } = {};
    try {
      flow = JSON.parse(cookieValue(event, FLOW_COOKIE) ?? '{}') as typeof flow;
    } catch {
      flow = {};
    }
    if (!code || !state || typeof flow.state !== 'string' || typeof flow.verifier !== 'string' || !sameText(state, flow.state)) {
      return refused('Connexion interrompue ou expirée : recommencez depuis la page de connexion.');
    }
    let tokens: { id_token?: unknown };
    try {
      const response = await doFetch(`${options.hostedUiUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: options.clientId, code, redirect_uri: callbackUrl, code_verifier: flow.verifier }),
      });
      if (!response.ok) return refused('La connexion a été refusée : recommencez depuis la page de connexion.');
      tokens = (await response.json()) as typeof tokens;
    } catch {
      // Cognito out of reach, or an answer that is not JSON: a 503 the alarms count, in French, not a bare 500.
      return refused(UNAVAILABLE, 503);
    }
    if (typeof tokens !== 'object' || tokens === null || typeof tokens.id_token !== 'string')
      return refused('La connexion a été refusée : recommencez depuis la page de connexion.');
    try {
      await options.verify(tokens.id_token);
    } catch (error) {
      // The issuer's keys out of reach (verify.ts throws that error as it is): nothing is known of the token yet.
      if (!isAppError(error)) return refused(UNAVAILABLE, 503);
      return refused('La connexion a été refusée : recommencez depuis la page de connexion.');
    }
    // The cookie lives as long as the ID token it holds. The token endpoint's `expires_in` is the
    // access token's lifetime (OAuth 2.0), which Cognito configures apart from the ID token's.
    const { exp } = decodeJwt(tokens.id_token);
    const maxAge = Math.max(0, (exp ?? 0) - Math.floor((options.now ?? Date.now)() / 1000));
    return redirect(safeReturn(typeof flow.returnTo === 'string' ? flow.returnTo : undefined), [
      secureCookie(SESSION_COOKIE, tokens.id_token, maxAge),
      `${FLOW_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`,
    ]);
  };

  /** Clears the session cookie and signs out of the hosted UI too. */
  const signOut = async (): Promise<Result> => {
    const cleared = `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;
    if (!options.hostedUiUrl) return redirect('/deconnexion');
    const query = new URLSearchParams({ client_id: options.clientId, logout_uri: options.appUrl });
    return redirect(`${options.hostedUiUrl}/logout?${query}`, [cleared]);
  };

  return { signIn, callback, signOut };
};
