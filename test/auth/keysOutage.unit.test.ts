import { errors } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TokenVerifier } from '../../shared/auth/verify.js';
import { AppError } from '../../shared/errors.js';
import { httpEdge } from '../../shared/http/edge.js';
import { createRouter } from '../../shared/http/router.js';
import { errorPage, pageRoutes } from '../../shared/web/pageRoutes.js';
import { createTestApp, httpEvent, testVerifier } from '../web/support/app.js';
import type { Context } from 'aws-lambda';

/*
 * A page read with a session cookie while the issuer's keys cannot be fetched: the service's
 * failure (500, the generic French page with its follow-up number, an error the alarms count), not
 * a redirect to a sign-in that would fail the same way. A token refused still sends to the sign-in.
 */

const lambdaContext = { getRemainingTimeInMillis: () => 10_000, awsRequestId: 'test' } as unknown as Context;

const pagesWith = (verify: TokenVerifier) => {
  const app = createTestApp();
  const handler = httpEdge(createRouter(pageRoutes({ deps: app.deps, verify })), { errorPage });
  return (cookie: string) => handler(httpEvent({ path: '/centre', headers: { accept: 'text/html' }, cookieOf: cookie }), lambdaContext);
};

describe('the pages while the issuer’s keys are out of reach', () => {
  it('answer 500 with the generic French page, not a redirect to the sign-in', async () => {
    const get = pagesWith(() => Promise.reject(new errors.JWKSTimeout()));
    const response = await get('centre');
    expect(response.statusCode).toBe(500);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).toContain('Une erreur inattendue est survenue');
  });

  it('still send a refused token to the sign-in', async () => {
    const get = pagesWith(() => Promise.reject(new AppError('auth.token.invalid', 'unauthenticated', 'Votre session a expiré ou n’est pas valide : reconnectez-vous.')));
    const response = await get('centre');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/connexion\?retour=/);
    expect((await pagesWith(testVerifier)('centre')).statusCode).toBe(200);
  });
});
