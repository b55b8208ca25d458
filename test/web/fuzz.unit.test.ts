import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenFor } from '../../shared/http/csrf.js';
import { operations } from '../../shared/http/operations.js';
import { pageRouteKeys } from '../../shared/web/pageRoutes.js';
import { createTestApp, httpEvent, type TestApp, type UserHandle } from './support/app.js';
import { seedSession, type Seeded } from './support/scenario.js';

/*
 * Property-based fuzzing of every endpoint: whatever a client sends, never a 5xx, and nothing is
 * written unless the answer says it succeeded; from a foreign scope, nothing is ever written.
 * 1,000 cases per endpoint (WEB_FUZZ_RUNS to change it), in-process against in-memory ports.
 */
const runs = Number(process.env.WEB_FUZZ_RUNS ?? 1000);

let app: TestApp;
let seeded: Seeded;
beforeAll(async () => {
  app = createTestApp();
  seeded = await seedSession(app);
});

const ids = () => fc.constantFrom(seeded.sessionId, seeded.candidateIds[0] ?? '', seeded.jurorIds[0] ?? '', seeded.habilitationIds[0] ?? '', 'ses_x', 'cand_<b>', '');
const scalar = () =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('2027-02-30', '2027-06-08', '31/12/2027', '9999-99-99', 'RNCP37674', 'jurors', 'titre-obtenu', 'a'.repeat(64), '<script>alert(1)</script>', '__proto__'),
    ids(),
  );
const valueArb = () =>
  fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, scalar(), fc.array(tie('any'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 12 }), tie('any'), { maxKeys: 3 })),
  })).any;

/** Objects with the operation's own field names (so validation goes deep), plus stray fields. */
const shapedBody = (keys: readonly string[]) =>
  fc
    .record(Object.fromEntries(keys.map((key) => [key, valueArb()])), { requiredKeys: [] })
    .chain((base) => fc.dictionary(fc.string({ maxLength: 10 }), valueArb(), { maxKeys: 2 }).map((extra) => ({ ...extra, ...base })));

const keysOf = (schema: unknown): string[] => Object.keys((schema as { shape?: Record<string, unknown> }).shape ?? {});

const fillPath = (template: string, params: string[]) => {
  let index = 0;
  return template.replace(/\{[A-Za-z]+\}/g, () => encodeURIComponent(params[index++] ?? ''));
};

const ownerOf = (roles: readonly string[]): UserHandle => (roles.includes('centre') ? 'centre' : roles.includes('ud') ? 'ud' : roles.includes('region') ? 'region' : 'juror');

describe('fuzzing the JSON API', () => {
  it.each(operations.map((operation) => [operation.id, operation] as const))(
    '%s: never a 5xx, no write unless it succeeded',
    async (_id, operation) => {
      const bodies = fc.oneof(
        shapedBody(keysOf(operation.input)).map((body) => ({ contentType: 'application/json', body: JSON.stringify(body) })),
        valueArb().map((body) => ({ contentType: 'application/json', body: JSON.stringify(body) ?? '' })),
        fc.string({ maxLength: 80 }).map((body) => ({ contentType: 'application/json', body })),
        fc.array(fc.tuple(fc.constantFrom(...keysOf(operation.input), 'x', 'a.0.b', '__proto__'), fc.string({ maxLength: 20 })), { maxLength: 6 }).map((pairs) => ({
          contentType: 'application/x-www-form-urlencoded',
          body: new URLSearchParams(pairs).toString(),
        })),
      );
      // GET operations read their input from the query string: fuzz it with their own field names too.
      const queries = fc
        .array(
          fc.tuple(
            fc.constantFrom(...keysOf(operation.input), 'x', 'jurorId', 'region'),
            fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('69', '38', '75', '2A', 'created', 'past', 'upcoming', 'e30', '%00'), ids()),
          ),
          { maxLength: 4 },
        )
        .map((pairs) => Object.fromEntries(pairs));
      await fc.assert(
        fc.asyncProperty(
          bodies,
          fc.array(fc.oneof(ids(), fc.string({ maxLength: 12 })), { minLength: 3, maxLength: 3 }),
          fc.boolean(),
          queries,
          async (request, params, keepPath, query) => {
            const path = keepPath ? fillPath(operation.path, [seeded.sessionId, seeded.candidateIds[0] ?? '', '2027']) : fillPath(operation.path, params);
            const before = app.writes();
            const response = await app.api(
              httpEvent({
                method: operation.method,
                path,
                as: ownerOf(operation.roles),
                headers: { 'content-type': request.contentType, 'idempotency-key': `fuzz-${Math.random().toString(36).slice(2)}` },
                ...(operation.method === 'POST' ? { body: request.body } : { query }),
              }),
            );
            expect(response.statusCode, response.body).toBeLessThan(500);
            if (response.statusCode >= 400) expect(app.writes()).toBe(before);
          },
        ),
        { numRuns: runs },
      );
    },
    120_000,
  );
});

describe('fuzzing the form posts', () => {
  const posts = pageRouteKeys().filter((route) => route.method === 'POST' && !route.path.endsWith('/depot'));
  it.each(posts.map((route) => [route.path] as const))(
    'POST %s: never a 5xx, no write unless it redirected; from another centre or UD, never a write',
    async (template) => {
      const second = template.includes('{candidateId}') ? (seeded.candidateIds[0] ?? '') : (seeded.habilitationIds[0] ?? '');
      const path = fillPath(template, [template.startsWith('/ud/jures/') ? (seeded.jurorIds[0] ?? '') : seeded.sessionId, second]).replace('{year}', '2027');
      const owner: UserHandle = template.startsWith('/ud') ? 'ud' : 'centre';
      const stranger: UserHandle = owner === 'ud' ? 'ud38' : 'centre2';
      const fields = fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom('reason', 'candidateId', 'jurorId', 'decisions.0.decision', 'sessions.0.titreCode', 'audience', 'site', 'confirmed'),
            fc.string({ maxLength: 12 }),
          ),
          fc.oneof(fc.string({ maxLength: 30 }), ids()),
        ),
        {
          maxLength: 8,
        },
      );
      await fc.assert(
        fc.asyncProperty(fields, fc.boolean(), async (pairs, foreign) => {
          const as = foreign ? stranger : owner;
          const before = app.writes();
          const response = await app.pages(
            httpEvent({
              method: 'POST',
              path: path.replace('{year}', '2027'),
              cookieOf: as,
              headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
              body: new URLSearchParams([['_csrf', csrfTokenFor(as)], ['idempotencyKey', `fuzz-${Math.random().toString(36).slice(2)}`], ...pairs]).toString(),
            }),
          );
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode !== 303 || (foreign && template.includes('{sessionId}'))) expect(app.writes()).toBe(before);
        }),
        { numRuns: runs },
      );
    },
    120_000,
  );
});
