import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';

/**
 * CSRF token tied to the session cookie: an HMAC of the cookie under a fixed label. Another site
 * can make the browser send the cookie but cannot read it, so it cannot compute the token that
 * must come back in the form's hidden `_csrf` field. The token never reveals the cookie.
 */
export const CSRF_FIELD = '_csrf';

export const csrfTokenFor = (sessionCookie: string): string => createHmac('sha256', sessionCookie).update('tp-sessions csrf v1').digest('base64url');

/** Throws 403 unless the submitted token matches the cookie's, compared in constant time. */
export const checkCsrf = (sessionCookie: string, submitted: unknown): void => {
  const expected = Buffer.from(csrfTokenFor(sessionCookie));
  const given = Buffer.from(typeof submitted === 'string' ? submitted : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError('csrf.invalid', 'forbidden', 'Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.');
  }
};
