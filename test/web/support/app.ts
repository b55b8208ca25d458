import type { Context } from 'aws-lambda';
import { demoUsers } from '../../../shared/auth/localIdp.js';
import type { TokenClaims } from '../../../shared/auth/principal.js';
import type { TokenVerifier } from '../../../shared/auth/verify.js';
import { demoAgrements } from '../../../infra/offline/demo/agrements.js';
import { agrementStreamId } from '../../../shared/domain/agrement.js';
import { titreStreamId } from '../../../shared/domain/titreRegister.js';
import { CachedTitres } from '../../../shared/application/titres.js';
import { sampleTitres } from '../../support/titres.js';
import { defaultSettings } from '../../../shared/domain/decider.js';
import { Directory } from '../../../shared/directory/directory.js';
import { AppError } from '../../../shared/errors.js';
import { createApiHandler } from '../../../shared/http/api.js';
import { csrfTokenFor } from '../../../shared/http/csrf.js';
import { httpEdge } from '../../../shared/http/edge.js';
import type { HttpEvent, HttpResponse } from '../../../shared/http/event.js';
import type { AppDeps } from '../../../shared/application/useCase.js';
import { createRouter } from '../../../shared/http/router.js';
import { fixedClock, type Clock } from '../../../shared/platform/clock.js';
import { errorPage, pageRoutes } from '../../../shared/web/pageRoutes.js';
import { historyRoutes } from '../../../shared/history/http.js';
import { HistoryService } from '../../../shared/history/service.js';
import { historyErrorPage } from '../../../shared/history/timelinePage.js';
import { FakePvUploads, MemoryEventStore, MemoryPersonalData, ProjectedViews } from './memory.js';

/** The demo users of the local sign-in, plus a foreign UD and a foreign juror for scope checks. */
export const users: Record<string, TokenClaims> = {
  ...Object.fromEntries(demoUsers.map((user) => [user.handle, user.claims])),
  ud38: { sub: 'usr_ud-38', 'custom:role': 'ud', 'custom:department': '38', 'custom:region': '84' },
  region93: { sub: 'usr_region-93', 'custom:role': 'region', 'custom:region': '93' },
  // Lyon's session manager under an account that has no centre name (before the attribute existed).
  centreUnnamed: {
    sub: 'usr_centre-lyon-2',
    email: 'accueil@lyon-formation.example',
    'custom:role': 'centre',
    'custom:centreId': 'ctr_lyon-formation',
    'custom:department': '69',
    'custom:region': '84',
  },
};
export type UserHandle = keyof typeof users & string;

/** Test tokens are the handle itself, verified by a lookup: the crypto is tested with the verifier. */
export const testVerifier: TokenVerifier = async (token) => {
  const claims = users[token];
  if (!claims) throw new AppError('auth.token.invalid', 'unauthenticated', 'Jeton invalide.');
  return claims;
};

export interface TestApp {
  readonly deps: AppDeps;
  readonly store: MemoryEventStore;
  readonly personalData: MemoryPersonalData;
  api(event: HttpEvent): Promise<HttpResponse>;
  pages(event: HttpEvent): Promise<HttpResponse>;
  /** The history function's routes (API, export, timeline page) over the same store. */
  history(event: HttpEvent): Promise<HttpResponse>;
  /** Every write any port received: events appended, personal data saved. */
  writes(): number;
}

const lambdaContext = { getRemainingTimeInMillis: () => 10_000, awsRequestId: 'test' } as unknown as Context;

export const createTestApp = (clock: Clock = fixedClock('2027-02-01T09:00:00.000Z')): TestApp => {
  const store = new MemoryEventStore();
  const personalData = new MemoryPersonalData();
  seedReference(store);
  const views = new ProjectedViews(store);
  // Read again before every request, as a container does once a minute.
  const titres = new CachedTitres(views, 0);
  const deps: AppDeps = {
    store,
    views,
    personalData,
    pvUploads: new FakePvUploads(),
    clock,
    settings: defaultSettings,
    get titres() {
      return titres.current;
    },
    titresRecorded: (recorded) => titres.remember(recorded),
    directory: new Directory(),
  };
  const api = httpEdge(titres.serving(createApiHandler({ deps, verify: testVerifier })));
  const pages = httpEdge(titres.serving(createRouter(pageRoutes({ deps, verify: testVerifier }))), { errorPage });
  const historyService = new HistoryService({ store, cursorSecret: 'test-cursor-secret-of-at-least-32-characters', people: personalData });
  const history = httpEdge(createRouter(historyRoutes({ service: historyService, verify: testVerifier })), { errorPage: historyErrorPage });
  return {
    deps,
    store,
    personalData,
    api: (event) => api(event, lambdaContext),
    pages: (event) => pages(event, lambdaContext),
    history: (event) => history(event, lambdaContext),
    writes: () => store.appends + personalData.writes,
  };
};

/**
 * The sample titres (test/support/titres.ts) and the demo centres' agréments
 * (infra/offline/demo/agrements.ts), as `npm start` records them, written straight into the store
 * so that no test counts them among its own writes.
 */
const seedReference = (store: MemoryEventStore): void => {
  const actor = { role: 'region' as const, id: 'usr_region-84', scope: { region: '84' } };
  for (const { code, ...titre } of sampleTitres) {
    void store.append(titreStreamId(code), 0, [{ type: 'TitreRecorded', data: { titreCode: code, ...titre, ccps: [...titre.ccps], source: 'rncp' } }], {
      actor,
      scope: { region: '84' },
      correlationId: 'seed',
      causationId: 'seed',
      occurredAt: new Date('2026-01-01T09:00:00Z'),
    });
  }
  for (const { email: _email, ...agrement } of demoAgrements) {
    const data = { ...agrement, region: '84', titreCodes: [...agrement.titreCodes], sites: [...agrement.sites] };
    void store.append(agrementStreamId(agrement.centreId), 0, [{ type: 'AgrementRecorded', data }], {
      actor,
      scope: { centreId: agrement.centreId, department: agrement.department, region: '84' },
      correlationId: 'seed',
      causationId: 'seed',
      occurredAt: new Date('2026-01-01T09:00:00Z'),
    });
  }
  store.appends = 0;
};

let requestCounter = 0;

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly base64?: boolean;
  /** API: claims from the JWT authorizer. */
  readonly as?: UserHandle;
  /** Pages: the session cookie of this user. */
  readonly cookieOf?: UserHandle;
}

/** An API Gateway payload 2.0 event, as the gateway (or the offline runtime) builds it. */
export const httpEvent = (options: RequestOptions): HttpEvent => {
  requestCounter += 1;
  const method = options.method ?? 'GET';
  const claims = options.as ? users[options.as] : undefined;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: options.path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { ...(options.headers ?? {}) },
    ...(options.cookieOf ? { cookies: [`tp_session=${options.cookieOf}`] } : {}),
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.base64 ?? false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${requestCounter}`,
      routeKey: '$default',
      stage: '$default',
      time: '01/Feb/2027:09:00:00 +0000',
      timeEpoch: 0,
      ...(claims ? { authorizer: { jwt: { claims: claims as unknown as Record<string, unknown>, scopes: null } } } : {}),
    },
  };
};

let keyCounter = 0;
export const freshKey = () => `key-${Date.now().toString(36)}-${(keyCounter += 1)}`;

/** A JSON call to the API as a user. */
export const apiCall = (app: TestApp, as: UserHandle | undefined, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.api(
    httpEvent({
      method,
      path,
      ...(as ? { as } : {}),
      headers: { 'content-type': 'application/json', ...(method === 'POST' ? { 'idempotency-key': freshKey() } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );

/** A form post to a page, as a browser sends it: the cookie, the CSRF token and a fresh key. */
export const formPost = (app: TestApp, as: UserHandle, path: string, fields: [string, string][], options: { csrf?: string; key?: string } = {}) =>
  app.pages(
    httpEvent({
      method: 'POST',
      path,
      cookieOf: as,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams([['_csrf', options.csrf ?? csrfTokenFor(as)], ['idempotencyKey', options.key ?? freshKey()], ...fields]).toString(),
    }),
  );

export const pageGet = (app: TestApp, as: UserHandle | undefined, path: string, query?: Record<string, string>) =>
  app.pages(httpEvent({ path, ...(as ? { cookieOf: as } : {}), headers: { accept: 'text/html' }, ...(query ? { query } : {}) }));

/** Markup as a browser parses it, without the line breaks and indents Prettier gives the templates: one space, none between tags or before `>`. */
export const squeezed = (markup: string): string => markup.replace(/\s+/g, ' ').replace(/>\s+</g, '><').replace(/\s+>/g, '>');

export const bodyOf = (response: HttpResponse): { error?: { code: string; message: string; fields: { field: string; message: string }[] } } & Record<string, unknown> =>
  JSON.parse(response.body) as never;

/** A page's text with its whitespace collapsed, as a reader sees it. */
export const pageText = (body: string) => body.replace(/\s+/g, ' ');
