import { AppError, isAppError } from '../errors.js';
import { cookies, type HttpEvent } from '../http/event.js';
import { principalFromClaims, tokenClaims, type Principal } from './principal.js';
import { SESSION_COOKIE, type TokenVerifier } from './verify.js';

export { SESSION_COOKIE };

const unauthenticated = () => new AppError('auth.unauthenticated', 'unauthenticated', 'Connectez-vous pour continuer.');

const principalOf = (claims: unknown): Principal => {
  const parsed = tokenClaims.safeParse(claims);
  if (!parsed.success) throw unauthenticated();
  return principalFromClaims(parsed.data);
};

/**
 * Who is calling. API routes: the claims API Gateway's JWT authorizer already verified. Pages
 * (public at the gateway): the `tp_session` cookie, verified here. Anything else is a 401; the
 * pages turn it into a redirect to `/connexion`.
 */
export const authenticate = async (event: HttpEvent, verify: TokenVerifier): Promise<Principal> => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (claims) return principalOf(claims);
  const token = cookies(event).get(SESSION_COOKIE);
  if (!token) throw unauthenticated();
  let verified: unknown;
  try {
    verified = await verify(token);
  } catch (error) {
    // A token refused is a sign-in to do again; the issuer's keys out of reach are the service's failure (verify.ts).
    if (isAppError(error)) throw unauthenticated();
    throw error;
  }
  return principalOf(verified);
};
