import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionDeclarations } from '../../../functions/index.js';
import { startOfflineRuntime, type OfflineRuntime } from '../../../infra/offline/index.js';
import { demoAgrements, seedAgrements } from '../../../infra/offline/demo/agrements.js';
import type { FunctionLogs } from '../../../infra/offline/invocations.js';
import { openLocalIdentityProvider } from '../../../shared/auth/localIdp.js';
import type { TokenClaims } from '../../../shared/auth/principal.js';
import type { FunctionDeclaration } from '../../../shared/platform/declarations.js';

/** The offline runtime of the hardening tests: ephemeral ports, its own data folder, a fixed start date. */
export interface HardeningRuntime {
  readonly runtime: OfflineRuntime;
  readonly dataDir: string;
  /** Signs a token with the runtime's own key for any claims (twenty centres, foreign scopes…). */
  sign(claims: TokenClaims, options?: { now?: Date; ttlSeconds?: number }): Promise<string>;
  stop(): Promise<void>;
}

export const START = new Date('2027-01-11T08:00:00Z');

export const startHardeningRuntime = async (
  options: { declarations?: readonly FunctionDeclaration[]; dataDir?: string; fresh?: boolean; log?: (line: string) => void; functionLogs?: FunctionLogs } = {},
): Promise<HardeningRuntime> => {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tp-hardening-')));
  const runtime = await startOfflineRuntime({
    dataDir,
    declarations: options.declarations ?? functionDeclarations,
    ports: 0,
    fresh: options.fresh ?? true,
    now: START,
    feedPollMs: 200,
    schedulerTickMs: 3_600_000,
    log: options.log ?? (() => undefined),
    ...(options.functionLogs ? { functionLogs: options.functionLogs } : {}),
  });
  const idp = await openLocalIdentityProvider(join(dataDir, 'offline', 'idp-key.json'));
  return {
    runtime,
    dataDir,
    sign: (claims, signOptions) => idp.sign(claims, { now: signOptions?.now ?? new Date(), ...(signOptions?.ttlSeconds ? { ttlSeconds: signOptions.ttlSeconds } : {}) }),
    stop: async () => {
      await runtime.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
};

export const centreClaims = (n: number, department = '69'): TokenClaims => ({
  sub: `usr_centre-${n}`,
  email: `sessions@centre-${n}.example`,
  'custom:role': 'centre',
  'custom:centreId': `ctr_centre-${n}`,
  'custom:department': department,
  'custom:region': '84',
  'custom:displayName': `Centre ${n}`,
});

/** The regional direction of Auvergne-Rhône-Alpes, which records the agréments of the centres above. */
const regionClaims: TokenClaims = { sub: 'usr_region-84', 'custom:role': 'region', 'custom:region': '84' };

/** Records the agrément of `centreClaims(n, department)` for each centre given, on the site « Lyon 7e » (sessions may name a room after a comma). */
export const approveCentres = async (h: HardeningRuntime, centres: readonly { readonly n: number; readonly department: string }[]): Promise<void> => {
  const [sample] = demoAgrements;
  if (!sample) throw new Error('no demo agrément');
  const agrements = centres.map(({ n, department }) => ({
    ...sample,
    centreId: `ctr_centre-${n}`,
    centreName: `Centre ${n}`,
    email: `sessions@centre-${n}.example`,
    department,
    sites: ['Lyon 7e'],
  }));
  await seedAgrements(h.runtime.urls.app, await h.sign(regionClaims), agrements);
};

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: Record<string, unknown>;
  readonly headers: Headers;
  readonly ms: number;
}

/** One HTTP call to the runtime's API, timed. */
export const call = async (baseUrl: string, token: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      accept: 'application/json',
      // Every write carries an idempotency key (the API refuses one without); a caller may fix it.
      ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, text, json, headers: response.headers, ms: performance.now() - started };
};

/** Personal data typed in the lifecycle: none of it may appear in a log line. */
export const PERSONAL = {
  lastNames: ['Martinezz', 'Petitjean'],
  firstNames: ['Léandre', 'Hugolin'],
  emails: ['leandre.martinezz@example.org', 'hugolin.petitjean@example.org'],
  jurorNames: ['Dupontel', 'Moreauville'],
  jurorEmails: ['dupontel@jury.example', 'moreauville@jury.example'],
  adaptation: 'Tiers temps supplémentaire et salle isolée au rez-de-chaussée',
} as const;

export interface Lifecycle {
  readonly sessionId: string;
  readonly candidateIds: readonly string[];
  readonly jurorIds: readonly string[];
}

const expectStatus = (answer: Answer, wanted: number[], what: string) => {
  if (!wanted.includes(answer.status)) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
};

/**
 * A session's life over HTTP, as the demo centre and UD: two jurors habilitated, the programme,
 * the session with two candidates, an accommodation, the jury, the convocations.
 */
export const runLifecycle = async (h: HardeningRuntime, suffix = ''): Promise<Lifecycle> => {
  const url = h.runtime.urls.app;
  const ud = await h.runtime.signIn('ud');
  const centre = await h.runtime.signIn('centre');
  const jurorIds: string[] = [];
  for (const [i, lastName] of PERSONAL.jurorNames.entries()) {
    const answer = await call(url, ud, 'POST', '/api/jurors', {
      lastName,
      firstName: 'Camille',
      email: PERSONAL.jurorEmails[i],
      titreCode: 'RNCP37674',
      department: '69',
      validFrom: '2026-01-01',
      validUntil: '2028-06-30',
      professionalisationDate: '2025-11-15',
    });
    expectStatus(answer, [201], 'habilitate juror');
    jurorIds.push(String(answer.json.jurorId));
  }
  const programme = await call(url, centre, 'POST', '/api/programmes/2027', {
    sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 2 }],
  });
  expectStatus(programme, [200, 201, 409, 422], 'programme');
  const created = await call(url, centre, 'POST', '/api/sessions', {
    ceresReference: `CERES-2027-00${suffix || '42'}`,
    titreCode: 'RNCP37674',
    startDate: '2027-06-07',
    endDate: '2027-06-09',
    site: 'Lyon 7e',
    candidates: PERSONAL.lastNames.map((lastName, i) => ({ lastName, firstName: PERSONAL.firstNames[i], birthDate: '1990-03-12', email: PERSONAL.emails[i] })),
  });
  expectStatus(created, [201], 'create session');
  const sessionId = String(created.json.sessionId);
  await h.runtime.drain();
  const view = await call(url, centre, 'GET', `/api/sessions/${sessionId}`);
  expectStatus(view, [200], 'read session');
  const candidateIds = (view.json.session as { candidateIds?: string[] } | undefined)?.candidateIds ?? (view.json.candidateIds as string[] | undefined) ?? [];
  const base = `/api/sessions/${sessionId}`;
  expectStatus(await call(url, centre, 'POST', `${base}/accommodations`, { candidateId: candidateIds[0], adaptation: PERSONAL.adaptation }), [200, 201], 'accommodation');
  expectStatus(await call(url, centre, 'POST', `${base}/accommodations/inform-jury`, {}), [200, 201], 'inform jury');
  for (const jurorId of jurorIds) expectStatus(await call(url, centre, 'POST', `${base}/jury`, { jurorId, tiedCandidateIds: [] }), [200, 201], 'assign juror');
  expectStatus(await call(url, centre, 'POST', `${base}/convocations`, { audience: 'jurors' }), [200, 201], 'convoke jurors');
  expectStatus(await call(url, centre, 'POST', `${base}/convocations`, { audience: 'candidates' }), [200, 201], 'convoke candidates');
  await h.runtime.drain();
  return { sessionId, candidateIds, jurorIds };
};
