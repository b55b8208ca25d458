import { beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenFor } from '../../shared/http/csrf.js';
import { operations, type Operation } from '../../shared/http/operations.js';
import { pageRouteKeys } from '../../shared/web/pageRoutes.js';
import { createTestApp, freshKey, httpEvent, users, type TestApp, type UserHandle } from './support/app.js';
import { seedSession, type Seeded } from './support/scenario.js';

/*
 * Every route, every role, and a foreign scope: 401 without a token, 403 for a role the route is
 * not for or a scope that does not cover the target, never 401/403 for the owner.
 */

let app: TestApp;
let seeded: Seeded;

const own: Record<string, UserHandle> = { centre: 'centre', ud: 'ud', region: 'region', juror: 'juror' };
const foreign: Record<string, UserHandle> = { centre: 'centre2', ud: 'ud38', region: 'region93', juror: 'juror' };

const pathOf = (template: string, jurorIndex = 0) =>
  template
    .replace('{sessionId}', seeded.sessionId)
    .replace('{jurorId}', seeded.jurorIds[jurorIndex] ?? '')
    .replace('{habilitationId}', seeded.habilitationIds[jurorIndex] ?? '')
    .replace('{candidateId}', seeded.candidateIds[0] ?? '')
    .replace('{centreId}', 'ctr_lyon-formation')
    .replace('{year}', '2027')
    .replace('{file}', 'app.css');

/** Bodies that pass validation, so a scope refusal cannot hide behind a 400. */
const validBody: Record<string, unknown> = {
  habilitateJuror: { jurorId: 'jur_x-1', titreCode: 'RNCP37674', department: '69', validFrom: '2026-01-01', validUntil: '2028-01-01', professionalisationDate: '2025-01-01' },
  withdrawHabilitation: { reason: 'Départ' },
  recordAgrement: {
    centreId: 'ctr_nouveau-69',
    centreName: 'Nouveau centre',
    email: 'contact@nouveau.example',
    department: '69',
    titreCodes: ['RNCP37674'],
    sites: ['Lyon 8e'],
    validFrom: '2026-01-01',
    validUntil: '2030-12-31',
  },
  amendAgrement: { titreCodes: ['RNCP37674'], sites: ['Lyon 7e'], validFrom: '2026-01-01', validUntil: '2031-12-31', reason: 'Nouveau périmètre' },
  withdrawAgrement: { reason: 'Fermeture' },
};

const call = (operation: Operation, as: UserHandle | undefined) =>
  app.api(
    httpEvent({
      method: operation.method,
      path: pathOf(operation.path),
      ...(as ? { as } : {}),
      headers: { 'content-type': 'application/json', 'idempotency-key': freshKey() },
      ...(operation.method === 'POST' ? { body: JSON.stringify(validBody[operation.id] ?? {}) } : {}),
      ...(operation.id === 'listCentresBehind' ? { query: { year: '2027' } } : {}),
    }),
  );

beforeAll(async () => {
  app = createTestApp();
  seeded = await seedSession(app);
  // The Claire Dupont of the demo users is a juror known to the views, so `getJuror` on herself is allowed.
  await app.api(
    httpEvent({
      method: 'POST',
      path: '/api/jurors',
      as: 'ud',
      headers: { 'content-type': 'application/json', 'idempotency-key': freshKey() },
      body: JSON.stringify({ ...(validBody.habilitateJuror as object), jurorId: users.juror?.['custom:jurorId'] }),
    }),
  );
});

describe('API routes', () => {
  it.each(operations.map((operation) => [operation.id, operation] as const))('%s: 401 without a token', async (_id, operation) => {
    const response = await call(operation, undefined);
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body).error.message).toMatch(/Connectez-vous/);
  });

  it.each(operations.map((operation) => [operation.id, operation] as const))('%s: 403 for every role it is not for', async (_id, operation) => {
    for (const role of Object.keys(own).filter((role) => !operation.roles.includes(role as never))) {
      const response = await call(operation, own[role]);
      expect(response.statusCode, `${role}: ${response.body}`).toBe(403);
    }
  });

  it.each(operations.map((operation) => [operation.id, operation] as const))('%s: 403 for its roles outside their scope, never for the owner', async (_id, operation) => {
    for (const role of operation.roles) {
      const owner = role === 'juror' ? await callJurorSelf(operation) : await call(operation, own[role]);
      expect([401, 403], `${role} own scope: ${owner.body}`).not.toContain(owner.statusCode);
      // A centre, a UD, a region or a juror acting for itself has no foreign target on these routes
      // (their scope comes from the token; test/web/regionAndJuror.unit.test.ts checks the filters).
      if (
        [
          'submitProgramme',
          'createSession',
          'listSessions',
          'listPvToInstruct',
          'listJurors',
          'listCentresBehind',
          'listRegionSessions',
          'listJurorSessions',
          'listAgrements',
          'importAgrements',
          // National reference data: any regional direction imports the titres, anyone signed in reads them.
          'importTitres',
          'listTitres',
        ].includes(operation.id)
      )
        continue;
      const stranger = role === 'juror' ? await call(operation, 'juror') : await call(operation, foreign[role]);
      // Another centre's session, a session off the juror's jury, another juror: read as an unknown id (test/web/tenancy.unit.test.ts compares the answers).
      // Another centre's agrément reads as none at all, as an unknown session does.
      const expected =
        ((role === 'centre' || role === 'juror') && operation.sessionScoped) ||
        (role === 'juror' && operation.id === 'getJuror') ||
        (role === 'centre' && operation.id === 'getAgrement')
          ? 404
          : 403;
      expect(stranger.statusCode, `${role} foreign scope: ${stranger.body}`).toBe(expected);
    }
  });
});

const callJurorSelf = (operation: Operation) =>
  app.api(httpEvent({ method: 'GET', path: operation.path.replace('{jurorId}', String(users.juror?.['custom:jurorId'])), as: 'juror' }));

describe('pages', () => {
  const pages = pageRouteKeys().filter((route) => route.path !== '/static/{file}');

  it.each(pages.filter((route) => route.method === 'GET').map((route) => [route.path] as const))('GET %s without the cookie redirects to the sign-in', async (path) => {
    const response = await app.pages(httpEvent({ path: pathOf(path), headers: { accept: 'text/html' } }));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/connexion\?retour=/);
  });

  it.each(pages.filter((route) => route.method === 'POST').map((route) => [route.path] as const))('POST %s refuses a missing or wrong CSRF token', async (path) => {
    const as: UserHandle = path.startsWith('/ud') ? 'ud' : 'centre';
    for (const csrf of ['', csrfTokenFor('centre2'), 'x'.repeat(43)]) {
      const response = await app.pages(
        httpEvent({
          method: 'POST',
          path: pathOf(path),
          cookieOf: as,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams({ _csrf: csrf, idempotencyKey: freshKey(), reason: 'x' }).toString(),
        }),
      );
      expect(response.statusCode).toBe(403);
    }
    expect(app.writes()).toBe(writesAfterSeed());
  });

  it.each(pages.filter((route) => route.path.startsWith('/centre') && route.method === 'GET' && route.path !== '/centre/programme').map((route) => [route.path] as const))(
    'GET %s: 200 for its centre, 403 for a UD or a region, 404 for another centre (session pages)',
    async (path) => {
      expect((await app.pages(httpEvent({ path: pathOf(path), cookieOf: 'centre', headers: { accept: 'text/html' } }))).statusCode).toBe(200);
      expect((await app.pages(httpEvent({ path: pathOf(path), cookieOf: 'ud', headers: { accept: 'text/html' } }))).statusCode).toBe(403);
      expect((await app.pages(httpEvent({ path: pathOf(path), cookieOf: 'region', headers: { accept: 'text/html' } }))).statusCode).toBe(403);
      if (path.includes('{sessionId}')) expect((await app.pages(httpEvent({ path: pathOf(path), cookieOf: 'centre2', headers: { accept: 'text/html' } }))).statusCode).toBe(404);
    },
  );

  it.each(pages.filter((route) => route.path.startsWith('/ud') && route.method === 'GET').map((route) => [route.path] as const))(
    'GET %s: 200 for the UD of the department, 403 for a centre, and for another UD on a session',
    async (path) => {
      expect((await app.pages(httpEvent({ path: pathOf(path), cookieOf: 'ud', headers: { accept: 'text/html' } }))).statusCode).toBe(200);
      expect((await app.pages(httpEvent({ path: pathOf(path), cookieOf: 'centre', headers: { accept: 'text/html' } }))).statusCode).toBe(403);
      if (path.includes('{sessionId}')) expect((await app.pages(httpEvent({ path: pathOf(path), cookieOf: 'ud38', headers: { accept: 'text/html' } }))).statusCode).toBe(403);
    },
  );
});

let seededWrites: number | undefined;
const writesAfterSeed = () => (seededWrites ??= app.writes());
