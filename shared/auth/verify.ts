import type { AuthConfig } from '../platform/config.js';
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.js';
import { remoteKeySet } from './jwks.js';
import { tokenClaims, type TokenClaims } from './principal.js';

/**
 * Verification of the sign-in tokens, the same way API Gateway's JWT authorizer checks Cognito's:
 * RS256 signature against the issuer's JWKS, issuer, audience and expiry; and an ID token, never
 * an access token (`token_use`). The offline runtime's
 * authorizer stand-in uses it for `Authorization: Bearer` on protected routes, and page handlers
 * use it to read the `tp_session` cookie set by the sign-in page.
 */

/** Name of the HttpOnly cookie that holds the signed token for the pages. */
export const SESSION_COOKIE = 'tp_session';

/** Issuer of the offline identity provider (Cognito's is `https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
export const LOCAL_ISSUER = 'https://tp-sessions.local/idp';

/** Audience of the offline tokens (Cognito's is the app client id). */
export const LOCAL_AUDIENCE = 'tp-sessions-web';

/** Path of the JWKS served by the offline identity provider (Cognito serves the same path). */
export const JWKS_PATH = '/.well-known/jwks.json';

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** The issuer's keys: a JWKS URL (fetched and cached), a key set, or a jose key resolver. */
  readonly jwks: URL | string | JSONWebKeySet | JWTVerifyGetKey;
  /** Tolerance on `exp`/`nbf`, in seconds (API Gateway allows none; tests may). */
  readonly clockToleranceSeconds?: number;
}

/**
 * Returns the token's claims when it is valid; throws an `unauthenticated` AppError when it is not.
 * When the issuer's keys cannot be had (no answer, a network error, an answer that is no key set)
 * nothing is known of the token: that error is thrown as it is, the service's failure (a 5xx the
 * alarms see), not « session expirée » sending the person to a sign-in that cannot succeed either.
 */
export type TokenVerifier = (token: string) => Promise<TokenClaims>;

const unauthenticated = (cause: unknown) => new AppError('auth.token.invalid', 'unauthenticated', 'Votre session a expiré ou n’est pas valide : reconnectez-vous.', [], { cause });

/** The key set's fetch failed (shared/auth/jwks.ts): a timeout, an answer that is no key set, or a socket error. */
const keysUnavailable = (error: unknown): boolean => error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof Error && 'syscall' in error);

const keyResolver = (jwks: TokenVerifierOptions['jwks']): JWTVerifyGetKey => {
  if (typeof jwks === 'function') return jwks;
  if (typeof jwks === 'string' || jwks instanceof URL) return remoteKeySet(new URL(jwks));
  return createLocalJWKSet(jwks);
};

/**
 * Builds a verifier once (at module scope): the remote key set is fetched on first use and cached,
 * as API Gateway caches Cognito's.
 */
export const createTokenVerifier = (options: TokenVerifierOptions): TokenVerifier => {
  const getKey = keyResolver(options.jwks);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, getKey, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'sub'],
        ...(options.clockToleranceSeconds !== undefined ? { clockTolerance: options.clockToleranceSeconds } : {}),
      });
      // The pages' cookie holds Cognito's ID token, the one that carries the role and scope: an
      // access token of the same pool (`token_use: access`), or a token that does not say what it
      // is, is not a sign-in, whatever it claims. Cognito's ID tokens always say `id`.
      if (payload.token_use !== 'id') throw new Error(`token_use ${String(payload.token_use)} is not an ID token`);
      const claims = tokenClaims.safeParse(payload);
      if (!claims.success) throw claims.error;
      return claims.data;
    } catch (error) {
      if (keysUnavailable(error)) throw error;
      throw unauthenticated(error);
    }
  };
};

/** A verifier configured from the function's configuration (`AUTH_ISSUER`, `AUTH_AUDIENCE`, `AUTH_JWKS_URL`). */
export const tokenVerifierOf = (auth: AuthConfig): TokenVerifier => createTokenVerifier({ issuer: auth.issuer, audience: auth.audience, jwks: auth.jwksUrl });

/** The token in an `Authorization: Bearer <jwt>` header, if any. */
export const bearerToken = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  return match?.[1];
};

/**
 * The session token among the request's cookies. Accepts API Gateway's `event.cookies` (one
 * `name=value` per entry) or a raw `Cookie` header.
 */
export const sessionTokenFromCookies = (cookies: readonly string[] | string | undefined): string | undefined => {
  if (cookies === undefined) return undefined;
  const entries = typeof cookies === 'string' ? cookies.split(';') : cookies.flatMap((c) => c.split(';'));
  for (const entry of entries) {
    const index = entry.indexOf('=');
    if (index < 0) continue;
    if (entry.slice(0, index).trim() === SESSION_COOKIE) {
      const value = entry.slice(index + 1).trim();
      return value === '' ? undefined : decodeURIComponent(value);
    }
  }
  return undefined;
};
