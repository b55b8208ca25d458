import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { demoUsers, openLocalIdentityProvider } from '../../shared/auth/localIdp.js';
import type { TokenClaims } from '../../shared/auth/principal.js';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { createS3Client } from '../../shared/aws/s3.js';
import { parsePvObjectKey } from '../../shared/vault/keys.js';
import { call, PERSONAL, runLifecycle, startHardeningRuntime, type Answer, type HardeningRuntime, type Lifecycle } from './support/runtime.js';

let h: HardeningRuntime;
let life: Lifecycle;
let url: string;
let dynamo: ReturnType<typeof createDynamoClient>;
let s3: ReturnType<typeof createS3Client>;
const tokens: Record<string, string> = {};
const claimsOf = (handle: string): TokenClaims => {
  const user = demoUsers.find((u) => u.handle === handle);
  if (!user) throw new Error(handle);
  return user.claims;
};

/** Every protected HTTP route of every function, with the lifecycle's real ids in its path. */
const routes = () => functionDeclarations.flatMap((d) => (d.trigger.kind === 'http' ? d.trigger.routes.filter((r) => !r.public).map((r) => ({ fn: d.name, ...r })) : []));
const fill = (path: string) =>
  path
    .replace('{sessionId}', life.sessionId)
    .replace('{jurorId}', life.jurorIds[0] ?? '')
    .replace('{candidateId}', life.candidateIds[0] ?? '')
    .replace('{habilitationId}', 'hab_01M8HVGQX7A08GV0TYPQJ7RQ25')
    .replace('{centreId}', 'ctr_lyon-formation')
    .replace('{year}', '2027')
    .replace(/\{[^}]+\}/g, 'x');

/** What the system holds: commits, personal data items, PV objects. Nothing refused may change it. */
const footprint = async () => {
  const count = async (table: string) => (await dynamo.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;
  const objects =
    ((await s3.send(new ListObjectsV2Command({ Bucket: h.runtime.bucket }))).Contents?.length ?? 0) +
    ((await s3.send(new ListObjectsV2Command({ Bucket: h.runtime.uploadBucket }))).Contents?.length ?? 0);
  return { commits: await count(h.runtime.tables.events), personalData: await count(h.runtime.tables.personalData), objects };
};

/** A refusal says nothing about the inside: no stack, no file, no table, bucket or SDK name, no personal data. */
const expectNoLeak = (answer: Answer, what: string) => {
  const leaks = [
    /\bat .+\(.+:\d+:\d+\)/,
    /\.ts:\d+/,
    /node_modules/,
    /local-tp-/,
    /Dynamo|ConditionalCheck|ValidationException|S3Client|SESv2/,
    /TypeError|ReferenceError|SyntaxError: /,
    ...[...PERSONAL.lastNames, ...PERSONAL.emails, PERSONAL.adaptation].map((s) => new RegExp(s)),
  ];
  const found = leaks.filter((pattern) => pattern.test(answer.text)).map(String);
  expect(found, `${what} leaked: ${answer.text.slice(0, 200)}`).toEqual([]);
};

const sampleBody = { reason: 'x', audience: 'jurors', sessions: [], candidateId: 'cand_x', jurorId: 'jur_x', tiedCandidateIds: [] };

beforeAll(async () => {
  h = await startHardeningRuntime();
  url = h.runtime.urls.app;
  dynamo = createDynamoClient({ endpoint: h.runtime.urls.dynamodb, maxAttempts: 2 });
  s3 = createS3Client({ endpoint: h.runtime.urls.s3, maxAttempts: 2 });
  life = await runLifecycle(h);
  for (const handle of ['centre', 'centre2', 'ud', 'region', 'juror']) tokens[handle] = await h.runtime.signIn(handle);
  // Another department's UD and another region's admin: same roles, foreign scopes.
  tokens.ud38 = await h.sign({ ...claimsOf('ud'), sub: 'usr_ud-38', 'custom:department': '38' });
  tokens.region11 = await h.sign({ ...claimsOf('region'), sub: 'usr_region-11', 'custom:region': '11' });
}, 120_000);

afterAll(async () => {
  dynamo?.destroy();
  s3?.destroy();
  await h?.stop();
});

describe('every protected route refuses a caller without a valid token, and writes nothing', () => {
  it('no token, an expired token, a token signed with another key, a forged unsigned token, a token for another audience: 401 on every route', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'tp-other-idp-'));
    const otherIdp = await openLocalIdentityProvider(join(otherDir, 'key.json'));
    const centre = claimsOf('centre');
    const expired = await h.sign(centre, { now: new Date(Date.now() - 9 * 3600_000) });
    const foreignKey = await otherIdp.sign(centre);
    const [header, payload] = (tokens.centre ?? '').split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const tamperedPayload = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), 'custom:role': 'region' })).toString('base64url')}.${(tokens.centre ?? '').split('.')[2]}`;
    const before = await footprint();
    const bad: Record<string, string | undefined> = { none: undefined, expired, foreignKey, unsigned, tamperedPayload, garbage: 'not.a.jwt' };
    let tried = 0;
    for (const route of routes().filter((r) => r.fn !== 'pages')) {
      for (const [kind, token] of Object.entries(bad)) {
        const answer = await call(url, token, route.method, fill(route.path), route.method === 'GET' ? undefined : sampleBody);
        expect(answer.status, `${kind} ${route.method} ${route.path}`).toBe(401);
        expectNoLeak(answer, `${kind} ${route.path}`);
        tried += 1;
      }
    }
    expect(tried).toBeGreaterThan(100);
    expect(await footprint()).toEqual(before);
    await rm(otherDir, { recursive: true, force: true });
  }, 120_000);

  it('the pages refuse a visitor without a session cookie (sign-in redirect or 401) and every form post without a CSRF token', async () => {
    const before = await footprint();
    for (const route of routes().filter((r) => r.fn === 'pages')) {
      const response = await fetch(`${url}${fill(route.path)}`, {
        method: route.method,
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        ...(route.method === 'POST' ? { body: 'reason=x' } : {}),
      });
      expect([302, 303, 401, 403], `${route.method} ${route.path}`).toContain(response.status);
    }
    const cookie = `tp_session=${tokens.centre}`;
    for (const route of routes().filter((r) => r.fn === 'pages' && r.method === 'POST')) {
      const response = await fetch(`${url}${fill(route.path)}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'reason=x',
      });
      expect([400, 403, 404], `no CSRF ${route.path}`).toContain(response.status);
    }
    expect(await footprint()).toEqual(before);
  });
});

describe('every role is kept to its own scope', () => {
  it('another centre, another department’s UD, another region’s admin and a juror: every API route on the Lyon session, its jurors and its centre is refused (403/404, or 400 before any read), with nothing written or leaked', async () => {
    const before = await footprint();
    const statuses = new Map<string, number>();
    for (const handle of ['centre2', 'ud38', 'region11', 'juror']) {
      for (const route of routes().filter((r) => r.fn === 'api')) {
        const path = fill(route.path);
        // The demo juror and the foreign UD may read their own lists: only what names Lyon's session, jurors or centre is tried.
        if (!/ses_|jur_|ctr_lyon|programmes/.test(path) && route.method === 'GET') continue;
        const answer = await call(url, tokens[handle], route.method, path, route.method === 'GET' ? undefined : sampleBody);
        statuses.set(`${handle} ${route.method} ${route.path}`, answer.status);
        expect([400, 403, 404], `${handle} ${route.method} ${route.path}: ${answer.text.slice(0, 120)}`).toContain(answer.status);
        expectNoLeak(answer, `${handle} ${route.path}`);
      }
    }
    expect(statuses.size).toBeGreaterThan(60);
    expect([...statuses.values()].filter((s) => s === 403 || s === 404).length).toBeGreaterThan(statuses.size / 2);
    expect(await footprint()).toEqual(before);
  }, 120_000);

  it('another centre, another department’s UD and another region’s admin get no candidate name, email or adaptation from the session, list or history routes', async () => {
    for (const handle of ['centre2', 'ud38', 'region11']) {
      for (const path of [`/api/sessions/${life.sessionId}`, `/api/history?sessionId=${life.sessionId}`, '/api/sessions', '/api/ud/pv']) {
        const answer = await call(url, tokens[handle], 'GET', path);
        expectNoLeak(answer, `${handle} ${path}`);
      }
    }
  });
});

describe('hostile and oversized payloads are refused before anything is written', () => {
  const create = (overrides: Record<string, unknown>) => ({
    ceresReference: 'CERES-X',
    titreCode: 'RNCP37674',
    startDate: '2027-06-07',
    endDate: '2027-06-09',
    site: 'Lyon 7e',
    candidates: [{ lastName: 'Durand', firstName: 'Ana', birthDate: '1990-01-01' }],
    ...overrides,
  });

  it.each([
    ['a body over the size limit', () => JSON.stringify(create({ site: 'x'.repeat(2_000_000) })), [413]],
    ['malformed JSON', () => '{"ceresReference": ', [400]],
    ['a prototype-pollution key', () => `{"__proto__":{"admin":true},${JSON.stringify(create({})).slice(1)}`, [400]],
    ['a constructor-pollution key', () => JSON.stringify({ ...create({}), constructor: { prototype: { admin: true } } }), [400]],
    ['a deeply nested value', () => JSON.stringify(create({})).replace('"site":"Lyon 7e"', `"site":${'['.repeat(5000)}${']'.repeat(5000)}`), [400]],
    ['unknown fields', () => JSON.stringify(create({ role: 'region' })), [400]],
    ['501 candidates', () => JSON.stringify(create({ candidates: Array.from({ length: 501 }, () => ({ lastName: 'A', firstName: 'B', birthDate: '1990-01-01' })) })), [400, 413]],
    ['a non-date date', () => JSON.stringify(create({ startDate: '2027-02-30' })), [400]],
    ['a number where text is expected', () => JSON.stringify(create({ site: 12 })), [400]],
    [
      'a string of 100,000 characters in a name',
      () => JSON.stringify(create({ candidates: [{ lastName: 'A'.repeat(100_000), firstName: 'B', birthDate: '1990-01-01' }] })),
      [400, 413],
    ],
  ])('POST /api/sessions with %s: refused, nothing written, no internals in the answer', async (_what, body, expected) => {
    const before = await footprint();
    const answer = await call(url, tokens.centre, 'POST', '/api/sessions', body());
    expect(expected).toContain(answer.status);
    expectNoLeak(answer, _what);
    expect(await footprint()).toEqual(before);
  });

  it('a wrong content type, and path parameters with traversal, NUL bytes or injection are refused', async () => {
    const before = await footprint();
    const form = await call(url, tokens.centre, 'POST', '/api/sessions', '<xml/>', { 'content-type': 'application/xml' });
    expect([400, 415]).toContain(form.status);
    for (const hostile of ['..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'ses_x%00', "ses_x'%20OR%201=1", 'ses_%3Cscript%3E', 'ses_' + 'a'.repeat(300)]) {
      const answer = await call(url, tokens.centre, 'POST', `/api/sessions/${hostile}/convocations`, { audience: 'jurors' });
      expect([400, 404], hostile).toContain(answer.status);
      expectNoLeak(answer, hostile);
    }
    expect(await footprint()).toEqual(before);
  });
});

describe('the PV vault', () => {
  it('refuses object keys it never signed: traversal, other prefixes, other extensions', () => {
    for (const key of [
      `pv/${life.sessionId}/../../digests/2027-01-01.json`,
      `pv/../${'a'.repeat(64)}.pdf`,
      `pv/ses_x/${'a'.repeat(64)}.pdf.exe`,
      `digests/${'a'.repeat(64)}.pdf`,
      `pv/ses_x/${'A'.repeat(64)}.pdf`,
      `pv/ses_x/${'a'.repeat(63)}.pdf`,
      `pv/ses_x%2F..%2F/${'a'.repeat(64)}.pdf`,
    ])
      expect(parsePvObjectKey(key), key).toBeUndefined();
  });

  it('a presigned upload refuses a bad SHA-256 or size; an uploaded file whose bytes do not match the declared SHA-256, or that is not a PDF, is quarantined and never recorded as the PV', async () => {
    const base = `/api/sessions/${life.sessionId}/pv/upload-url`;
    for (const bad of [
      { sha256: '../../x', sizeBytes: 10 },
      { sha256: 'a'.repeat(64), sizeBytes: 0 },
      { sha256: 'a'.repeat(64), sizeBytes: 30 * 1024 * 1024 },
    ]) {
      const answer = await call(url, tokens.centre, 'POST', base, bad);
      expect([400, 413], JSON.stringify(bad)).toContain(answer.status);
    }
    const foreign = await call(url, tokens.centre2, 'POST', base, { sha256: 'a'.repeat(64), sizeBytes: 10 });
    expect([403, 404]).toContain(foreign.status);

    const pdf = Buffer.from('%PDF-1.7\n% procès-verbal signé\n%%EOF\n');
    const other = Buffer.from('%PDF-1.7\n% un autre fichier !!\n%%EOF\n');
    const notPdf = Buffer.from('MZ\x90\x00 this is not a pdf at all....');
    const sameLength = Buffer.from(pdf);
    sameLength[12] = (sameLength[12] ?? 0) ^ 1;
    // A length or a type other than the signed ones is refused by S3 itself (403, as in AWS), and
    // so are bytes of the signed length and type whose SHA-256 is not the signed one (400
    // BadDigest, as in AWS); a file that is what was signed but not a PDF gets in, and lands in
    // quarantine.
    const attempts = [
      { declared: pdf, sent: other, type: 'application/pdf', status: 403 },
      { declared: notPdf, sent: notPdf, type: 'application/x-msdownload', status: 403 },
      { declared: pdf, sent: sameLength, type: 'application/pdf', status: 400 },
      { declared: notPdf, sent: notPdf, type: 'application/pdf', status: 200 },
    ];
    for (const attempt of attempts) {
      const sha256 = createHash('sha256').update(attempt.declared).digest('hex');
      const presigned = await call(url, tokens.centre, 'POST', base, { sha256, sizeBytes: attempt.declared.length });
      expect(presigned.status, presigned.text).toBe(200);
      const upload = await fetch(String(presigned.json.url), {
        method: 'PUT',
        headers: { ...(presigned.json.headers as Record<string, string>), 'content-type': attempt.type },
        body: attempt.sent,
      });
      expect(upload.status, attempt.type).toBe(attempt.status);
    }
    await h.runtime.drain();
    const view = await call(url, tokens.centre, 'GET', `/api/sessions/${life.sessionId}`);
    expect(view.text).not.toContain('PVDocumentStored');
    // Nothing in the vault, nothing left in the upload area: the file that got in is in quarantine.
    for (const bucket of [h.runtime.bucket, h.runtime.uploadBucket]) {
      const objects = (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'pv/' }))).Contents ?? [];
      expect(objects.map((o) => o.Key)).toEqual([]);
    }
    const history = await call(url, tokens.centre, 'GET', `/api/history?sessionId=${life.sessionId}`);
    expect(history.text).not.toContain('PVDocumentStored');
    const quarantined = (await s3.send(new ListObjectsV2Command({ Bucket: h.runtime.uploadBucket, Prefix: 'quarantine/' }))).Contents ?? [];
    expect(quarantined).toHaveLength(1);
  });
});
