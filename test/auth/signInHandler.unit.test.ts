import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * The sign-in function's answers (hosted UI redirect, callback refusal, sign-out) carry the same
 * security headers as every other HTTP function's (shared/http/securityHeaders.ts): HSTS, no
 * framing, no referrer (the callback's address holds the authorization code), no sniffing.
 */

let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
const context = { getRemainingTimeInMillis: () => 10_000, awsRequestId: 'test', functionName: 'signIn' } as unknown as Context;

const event = (rawPath: string, query: Record<string, string> = {}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `GET ${rawPath}`,
    rawPath,
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: query,
    headers: { accept: 'text/html' },
    requestContext: { requestId: 'req-1', http: { method: 'GET', path: rawPath } },
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

beforeAll(async () => {
  Object.assign(process.env, {
    STAGE: 'test',
    APP_URL: 'https://sessions.example',
    AUTH_ISSUER: 'https://issuer.test',
    AUTH_AUDIENCE: 'client-123',
    AUTH_JWKS_URL: 'https://issuer.test/.well-known/jwks.json',
    AUTH_HOSTED_UI_URL: 'https://tp-sessions-test.auth.eu-west-3.amazoncognito.com',
  });
  ({ handler } = (await import('../../functions/signIn/handler.js')) as unknown as { handler: typeof handler });
});

describe('the sign-in function’s answers', () => {
  it.each([
    ['the redirect to the hosted UI', '/auth/connexion', {}, 303],
    ['the refusal of a callback without its state', '/auth/callback', { code: 'c' }, 400],
    ['the sign-out', '/auth/deconnexion', {}, 303],
  ] as const)('%s carries the security headers of every HTTP answer', async (_name, path, query, status) => {
    const response = await handler(event(path, query), context);
    expect(response.statusCode).toBe(status);
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['cache-control']).toBe('no-store');
  });
});
