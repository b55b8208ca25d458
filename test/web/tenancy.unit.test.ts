import { beforeAll, describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { csrfTokenFor } from '../../shared/http/csrf.js';
import type { HttpEvent, HttpResponse } from '../../shared/http/event.js';
import { HISTORY_PATHS } from '../../shared/history/http.js';
import { createTestApp, freshKey, httpEvent, type TestApp, type UserHandle } from './support/app.js';
import { seedSession, type Seeded } from './support/scenario.js';

/*
 * Nothing leaks across centres: on every route of every HTTP function that names a session (in its
 * path, or the history's `sessionId` filter), another centre asking about Lyon's session gets the
 * very answer of an id that names no session. The routes come from the function declarations, so
 * a new session route is covered the day it is declared.
 */

let app: TestApp;
let seeded: Seeded;
const UNKNOWN_SESSION = 'ses_01JZZZZZZZZZZZZZZZZZZZZZZZ';

interface Probe {
  readonly fn: string;
  readonly method: string;
  readonly path: string;
  /** Which handler answers, and how it authenticates: the JWT claims (API) or the cookie (pages). */
  readonly via: 'api' | 'pages' | 'history';
  readonly query?: Record<string, string>;
}

const declaredRoutes = functionDeclarations.flatMap((declaration) =>
  declaration.trigger.kind === 'http'
    ? declaration.trigger.routes.map((route) => ({ fn: declaration.name, method: route.method, path: route.path, public: route.public === true }))
    : [],
);

const probes: Probe[] = [
  ...declaredRoutes
    .filter((route) => route.path.includes('{sessionId}'))
    .map((route) => ({ fn: route.fn, method: route.method, path: route.path, via: (route.fn === 'history' ? 'history' : route.public ? 'pages' : 'api') as Probe['via'] })),
  // The history API and its export name the session in the query string.
  ...[HISTORY_PATHS.api, HISTORY_PATHS.export].map((path) => ({ fn: 'history', method: 'GET', path, via: 'history' as const, query: { sessionId: '{sessionId}' } })),
];

const fill = (template: string, sessionId: string) =>
  template
    .replace('{sessionId}', sessionId)
    .replace('{candidateId}', seeded.candidateIds[0] ?? '')
    .replace('{jurorId}', seeded.jurorIds[0] ?? '')
    .replace('{habilitationId}', seeded.habilitationIds[0] ?? '');

const request = (probe: Probe, as: UserHandle, sessionId: string): Promise<HttpResponse> => {
  const byCookie = probe.via === 'pages' || (probe.via === 'history' && probe.path === HISTORY_PATHS.timeline);
  const query = probe.query ? Object.fromEntries(Object.entries(probe.query).map(([name, value]) => [name, fill(value, sessionId)])) : undefined;
  const event: HttpEvent = httpEvent({
    method: probe.method as 'GET' | 'POST',
    path: fill(probe.path, sessionId),
    ...(byCookie ? { cookieOf: as } : { as }),
    ...(query ? { query } : {}),
    headers: {
      accept: byCookie ? 'text/html' : 'application/json',
      'content-type': probe.via === 'pages' ? 'application/x-www-form-urlencoded' : 'application/json',
      'idempotency-key': freshKey(),
    },
    // A body the operation would refuse: whatever answers first, no write can happen.
    ...(probe.method === 'POST'
      ? { body: probe.via === 'pages' ? new URLSearchParams({ _csrf: csrfTokenFor(as), idempotencyKey: freshKey(), probe: 'x' }).toString() : '{"probe":"x"}' }
      : {}),
  });
  return probe.via === 'api' ? app.api(event) : probe.via === 'pages' ? app.pages(event) : app.history(event);
};

/** What a client can observe of an answer; the request id differs by construction and is not echoed on a 404. */
const observed = (response: HttpResponse) => ({ status: response.statusCode, headers: response.headers, body: response.body });

beforeAll(async () => {
  app = createTestApp();
  seeded = await seedSession(app);
});

describe('a foreign centre reads every session route like an unknown id', () => {
  it('covers the session routes of the api, pages and history functions', () => {
    expect(new Set(probes.map((probe) => probe.fn))).toEqual(new Set(['api', 'pages', 'history']));
    expect(probes.length).toBeGreaterThan(40);
  });

  it.each(probes.map((probe) => [`${probe.fn} ${probe.method} ${probe.path}${probe.query ? ' ?sessionId' : ''}`, probe] as const))('%s', async (_name, probe) => {
    const writes = app.writes();
    const foreign = await request(probe, 'centre2', seeded.sessionId);
    const unknown = await request(probe, 'centre2', UNKNOWN_SESSION);
    expect(observed(foreign)).toEqual(observed(unknown));
    expect(app.writes()).toBe(writes);
    // Where a centre may go at all, that shared answer is « introuvable », and the owner is let through.
    const owner = await request(probe, 'centre', seeded.sessionId);
    if (owner.statusCode !== 403) {
      expect(foreign.statusCode).toBe(404);
      expect(foreign.body).toContain('Cette session est introuvable.');
      expect(owner.body).not.toContain('Cette session est introuvable.');
    }
  });
});

describe('a State agent out of its department keeps a 403', () => {
  it.each(probes.filter((probe) => probe.method === 'GET').map((probe) => [`${probe.fn} ${probe.path}`, probe] as const))('%s', async (_name, probe) => {
    const own = await request(probe, 'ud', seeded.sessionId);
    if (own.statusCode === 403) return; // a centre's page: the UD's role is refused before any session is read
    expect((await request(probe, 'ud38', seeded.sessionId)).statusCode).toBe(403);
    expect((await request(probe, 'ud38', UNKNOWN_SESSION)).statusCode).toBe(404);
  });
});

describe('a candidate or a juror of another centre, named under one’s own session, reads like an unknown id', () => {
  const UNKNOWN_CANDIDATE = 'cand_01JZZZZZZZZZZZZZZZZZZZZZZZ';
  const UNKNOWN_JUROR = 'jur_01JZZZZZZZZZZZZZZZZZZZZZZZ';
  let grenoble: { candidateId: string; jurorId: string };

  /** Bodies the operations accept, so the refusal comes from the rules, where the ids are read. */
  const bodies: Record<string, Record<string, string>> = {
    withdraw: {},
    erasure: { confirmed: 'true' },
    effacement: { confirmed: 'true' },
    ties: { candidateId: '' },
    unassign: { reason: 'Indisponible' },
  };

  const personProbes = () =>
    probes.filter(
      (probe) =>
        probe.via !== 'history' &&
        /\{(candidateId|jurorId)\}/.test(probe.path) &&
        !probe.path.includes('{habilitationId}') &&
        (probe.path.startsWith('/centre') || probe.path.startsWith('/api/sessions')),
    );

  const ask = (probe: Probe, person: string) => {
    const path = probe.path.replace('{sessionId}', seeded.sessionId).replace(/\{(candidateId|jurorId)\}/, person);
    const last = path.split('/').pop() ?? '';
    const fields = Object.entries({ ...(bodies[last] ?? {}), ...(last === 'ties' ? { candidateId: seeded.candidateIds[0] ?? '' } : {}) });
    const form = probe.via === 'pages';
    return (form ? app.pages : app.api)(
      httpEvent({
        method: probe.method as 'GET' | 'POST',
        path,
        ...(form ? { cookieOf: 'centre' as const } : { as: 'centre' as const }),
        headers: {
          accept: form ? 'text/html' : 'application/json',
          'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
          'idempotency-key': freshKey(),
        },
        ...(probe.method === 'POST'
          ? {
              body: form
                ? new URLSearchParams([['_csrf', csrfTokenFor('centre')], ['idempotencyKey', freshKey()], ...fields]).toString()
                : JSON.stringify(Object.fromEntries(fields.map(([name, value]) => [name, value === 'true' ? true : value]))),
            }
          : {}),
      }),
    );
  };

  beforeAll(async () => {
    const habilitated = await app.api(
      httpEvent({
        method: 'POST',
        path: '/api/jurors',
        as: 'ud38',
        headers: { 'content-type': 'application/json', 'idempotency-key': freshKey() },
        body: JSON.stringify({
          lastName: 'Secret',
          firstName: 'Isère',
          email: 'isere@jury.example',
          titreCode: 'RNCP37674',
          department: '38',
          validFrom: '2026-01-01',
          validUntil: '2028-06-30',
          professionalisationDate: '2025-11-15',
        }),
      }),
    );
    expect(habilitated.statusCode, habilitated.body).toBe(201);
    const created = await app.api(
      httpEvent({
        method: 'POST',
        path: '/api/sessions',
        as: 'centre2',
        headers: { 'content-type': 'application/json', 'idempotency-key': freshKey() },
        body: JSON.stringify({
          ceresReference: 'CERES-GRE-1',
          titreCode: 'RNCP37674',
          startDate: '2027-06-07',
          endDate: '2027-06-08',
          site: 'Grenoble',
          candidates: [{ lastName: 'Cachée', firstName: 'Zoé', birthDate: '1991-01-01' }],
        }),
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const view = await app.deps.views.getSessionView(String((JSON.parse(created.body) as { sessionId: string }).sessionId));
    grenoble = { candidateId: view?.candidateIds[0] ?? '', jurorId: String((JSON.parse(habilitated.body) as { jurorId: string }).jurorId) };
  });

  it('covers the candidate and juror routes of the centre', () => {
    expect(personProbes().length).toBeGreaterThanOrEqual(6);
  });

  it.each(personProbes().map((probe) => [`${probe.fn} ${probe.method} ${probe.path}`, probe] as const))('%s', async (_name, probe) => {
    const writes = app.writes();
    const foreignId = probe.path.includes('{candidateId}') ? grenoble.candidateId : grenoble.jurorId;
    const unknownId = probe.path.includes('{candidateId}') ? UNKNOWN_CANDIDATE : UNKNOWN_JUROR;
    const foreign = await ask(probe, foreignId);
    const unknown = await ask(probe, unknownId);
    // The id the centre typed is echoed back, and a form carries a fresh idempotency key: the answers are the same once both are set aside.
    const plain = (response: HttpResponse, id: string) => ({
      ...observed(response),
      body: response.body
        .split(id)
        .join('<id>')
        .replace(/idem_[0-9A-Z]{26}/g, 'idem_…'),
    });
    expect(plain(foreign, foreignId)).toEqual(plain(unknown, unknownId));
    expect(foreign.body).not.toMatch(/Zoé|Cachée|Isère|SECRET|Secret/);
    expect(app.writes()).toBe(writes);
  });
});

describe('a juror asking about another juror', () => {
  it('gets the answer of an unknown id', async () => {
    const get = (jurorId: string) => app.api(httpEvent({ method: 'GET', path: `/api/jurors/${jurorId}`, as: 'juror', headers: { accept: 'application/json' } }));
    const other = await get(seeded.jurorIds[0] ?? '');
    const unknown = await get('jur_01JZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(observed(other)).toEqual(observed(unknown));
    expect(other.statusCode).toBe(404);
  });
});
