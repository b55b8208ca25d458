/**
 * `npm run bench:history [-- --sizes 10000,100000 --reps 15 --page-size 50]`
 *
 * For each store size (10,000 then 100,000 events by default, across 50 centres in 10 departments
 * of one region, spread over a year), seeds a fresh in-process dynalite straight in the store's
 * format (hash-chained commits of 10 events and one history item per event, by BatchWriteItem),
 * then measures through the history service, as the API calls it:
 * - the first page and the tenth page (cursors followed, only the tenth timed) for one centre (as
 *   the regional admin, placement probe included), one department (as its UD) and one event type
 *   (within the region; and straight on the store's type index), p50/p95 over `--reps` runs;
 * - a full CSV export of the region (every event, pages of 500) by the CLI, bundled and run as a
 *   child process against a local HTTP stand-in of the API: wall time, bytes, and the CLI's peak
 *   resident memory, which must not grow with the export's size.
 * dynalite is far slower than DynamoDB: the figures show how cost scales, they do not plan capacity.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { build } from 'esbuild';
import { monotonicUlids } from '../shared/platform/ids.js';
import type { EventType, StoredEvent } from '../events/index.js';
import { principalFromClaims, type TokenClaims } from '../shared/auth/principal.js';
import type { HistoryReader } from '../shared/eventStore/port.js';
import { indexedStore } from '../test/support/indexedStore.js';
import { commitHash, GENESIS_HASH, historyItemOf, type CommitItem } from '../shared/eventStore/records.js';
import { createHistoryHandler } from '../shared/history/http.js';
import { parseHistoryRequest } from '../shared/history/query.js';
import { HistoryService } from '../shared/history/service.js';
import type { HttpEvent, HttpResponse } from '../shared/http/event.js';
import { startDynalite } from '../test/support/dynalite.js';
import { percentile } from './support/stats.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    reps: { type: 'string', default: '15' },
    'page-size': { type: 'string', default: '50' },
  },
});
const sizes = (values.sizes ?? '').split(',').map(Number);
const reps = Number(values.reps);
const pageSize = Number(values['page-size']);
if (sizes.some((n) => !Number.isInteger(n) || n < 1000) || !Number.isInteger(reps) || reps < 1) throw new Error('--sizes N,M (≥ 1000) and --reps R');

const cursorSecret = 'bench-history-cursor-secret-0123456789';
const CENTRES = 50;
const DEPARTMENTS = ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69'];
const PER_STREAM = 20;
const PER_COMMIT = 10;
const YEAR_MS = 365 * 86_400_000;
const START = Date.parse('2027-01-01T00:00:00Z');
const types: EventType[] = ['CandidateRegistered', 'CandidateWithdrawn', 'JuryAssigned', 'ConvocationsSent', 'PVSigned', 'PVTransmitted', 'PVValidated', 'ResultsRecordedInCeres'];
const dataOf = (type: EventType, n: number): unknown =>
  ({
    CandidateRegistered: { candidateId: `cand_b-${n}` },
    CandidateWithdrawn: { candidateId: `cand_b-${n}`, reason: 'Raison personnelle' },
    JuryAssigned: { jurorId: `jur_b-${n % 300}`, habilitationId: `hab_b-${n % 300}`, tiedCandidateIds: [] },
    ConvocationsSent: { audience: 'candidates', recipientIds: [`cand_b-${n}`], sentOn: '2027-05-01', dueOn: '2027-05-10', late: false },
    PVSigned: { revision: 1, signedOn: '2027-06-01', decisions: [], signatoryIds: ['jur_b-1', 'jur_b-2'], documentSha256: 'a'.repeat(64) },
    PVTransmitted: { transmittedOn: '2027-06-02', pvRevision: 1, department: '69' },
    PVValidated: { validatedOn: '2027-06-10', pvRevision: 1 },
    ResultsRecordedInCeres: { recordedOn: '2027-06-03', pvRevision: 1 },
  })[type as string];

const centreOf = (c: number) => ({ centreId: `ctr_bench-${c}`, department: DEPARTMENTS[c % DEPARTMENTS.length] ?? '69', region: '84' });

/** Writes requests 25 at a time, `lanes` batches in flight, retrying what dynalite leaves unprocessed. */
const writeAll = async (client: DynamoDBClient, table: string, items: readonly Record<string, unknown>[], lanes = 8) => {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const start = next;
      next += 25;
      if (start >= items.length) return;
      let requests: WriteRequest[] = items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } }));
      while (requests.length > 0) {
        const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = output.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, worker));
};

/** Seeds `total` events: streams of 20 events in commits of 10, round-robin over the centres, time-ordered ids. */
const seed = async (client: DynamoDBClient, tables: { events: string; history: string }, total: number) => {
  const nextUlid = monotonicUlids();
  const commits: CommitItem[] = [];
  const history: Record<string, unknown>[] = [];
  const streams = Math.ceil(total / PER_STREAM);
  let written = 0;
  // Commits interleave across streams as in life: commit k of every stream, then k + 1.
  const heads = new Map<number, { hash: string; version: number }>();
  for (let round = 0; round * PER_COMMIT < PER_STREAM; round += 1) {
    for (let s = 0; s < streams && written < total; s += 1) {
      const scope = centreOf(s % CENTRES);
      const streamId = `session-ses_bench-${s}`;
      const head = heads.get(s) ?? { hash: GENESIS_HASH, version: 0 };
      const count = Math.min(PER_COMMIT, total - written);
      const at = new Date(START + Math.floor((written / total) * YEAR_MS));
      const events = Array.from({ length: count }, (_, i) => {
        const type = types[(written + i) % types.length] ?? 'CandidateRegistered';
        return {
          id: nextUlid(at.getTime()),
          streamId,
          version: head.version + i + 1,
          schemaVersion: 1,
          occurredAt: at.toISOString(),
          recordedAt: at.toISOString(),
          actor: { role: 'centre', id: `usr_bench-${s % CENTRES}`, scope: { centreId: scope.centreId } },
          scope,
          correlationId: `corr-${s}-${round}`,
          causationId: `corr-${s}-${round}`,
          type,
          data: dataOf(type, written + i),
        } as unknown as StoredEvent;
      });
      const body: Omit<CommitItem, 'hash'> = {
        pk: streamId,
        sk: round + 1,
        firstVersion: head.version + 1,
        lastVersion: head.version + count,
        events: JSON.stringify(events),
        centreId: scope.centreId,
        department: scope.department,
        region: scope.region,
        recordedAt: at.toISOString(),
        prevHash: head.hash,
      };
      const commit = { ...body, hash: commitHash(body) };
      heads.set(s, { hash: commit.hash, version: commit.lastVersion });
      commits.push(commit);
      for (const event of events) history.push({ ...historyItemOf(event) });
      written += count;
    }
  }
  await writeAll(client, tables.events, commits);
  await writeAll(client, tables.history, history);
};

const claims = {
  region: { sub: 'usr_region-84', 'custom:role': 'region', 'custom:region': '84' },
  ud: { sub: 'usr_ud-69', 'custom:role': 'ud', 'custom:department': '69', 'custom:region': '84' },
} satisfies Record<string, TokenClaims>;

/** A duration in ms; a dash where the history has fewer than ten pages. */
const fmt = (ms: number) => (Number.isNaN(ms) ? '–' : ms.toFixed(1)).padStart(7);

/** p50/p95 of the first and the tenth page of one query. */
const measure = async (service: HistoryService, who: TokenClaims, query: Record<string, string>) => {
  const principal = principalFromClaims(who);
  const first: number[] = [];
  const tenth: number[] = [];
  for (let r = 0; r < reps; r += 1) {
    let cursor: string | undefined;
    for (let page = 1; page <= 10; page += 1) {
      const t0 = performance.now();
      const result = await service.page(principal, parseHistoryRequest({ ...query, limit: String(pageSize), ...(cursor ? { cursor } : {}) }));
      const ms = performance.now() - t0;
      if (page === 1) first.push(ms);
      if (page === 10) tenth.push(ms);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
  }
  const s1 = first.sort((a, b) => a - b);
  const s10 = tenth.sort((a, b) => a - b);
  return { p50first: percentile(s1, 50), p95first: percentile(s1, 95), p50tenth: percentile(s10, 50), p95tenth: percentile(s10, 95), tenthReached: s10.length };
};

/** Times pages on the store's type index directly (country-wide; no role reads it through the API). */
const measureTypeIndex = async (store: HistoryReader) => {
  const first: number[] = [];
  const tenth: number[] = [];
  for (let r = 0; r < reps; r += 1) {
    let cursor: string | undefined;
    for (let page = 1; page <= 10; page += 1) {
      const t0 = performance.now();
      const result = await store.history({ by: { eventType: 'PVValidated' }, limit: pageSize, cursor });
      const ms = performance.now() - t0;
      if (page === 1) first.push(ms);
      if (page === 10) tenth.push(ms);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
  }
  const s1 = first.sort((a, b) => a - b);
  const s10 = tenth.sort((a, b) => a - b);
  return { p50first: percentile(s1, 50), p95first: percentile(s1, 95), p50tenth: percentile(s10, 50), p95tenth: percentile(s10, 95), tenthReached: s10.length };
};

/** A local stand-in of API Gateway for the CLI: every request as the regional admin. */
const serve = async (handler: (event: HttpEvent) => Promise<HttpResponse>) => {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: url.pathname,
      rawQueryString: url.searchParams.toString(),
      headers: { accept: 'application/json' },
      queryStringParameters: Object.fromEntries(url.searchParams),
      isBase64Encoded: false,
      requestContext: { http: { method: request.method ?? 'GET', path: url.pathname }, requestId: 'bench', authorizer: { jwt: { claims: claims.region, scopes: null } } },
    } as unknown as HttpEvent;
    handler(event).then(
      (answer) => {
        response.writeHead(answer.statusCode, answer.headers);
        response.end(answer.body);
      },
      (error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      },
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((done) => server.close(() => done())) };
};

const run = promisify(execFile);

const main = async () => {
  const work = await mkdtemp(join(tmpdir(), 'bench-history-'));
  const cli = join(work, 'tp-history.mjs');
  await build({ entryPoints: ['scripts/history.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node24', outfile: cli, logLevel: 'error' });
  // Runs the CLI's `run` in a child that samples its own resident memory every 10 ms and reports the
  // peak in KiB. Not getrusage's maxRSS: on Linux a child inherits the parent's high-water mark, and
  // the parent holds dynalite's whole store.
  const wrapper = join(work, 'measure.mjs');
  await (
    await import('node:fs/promises')
  ).writeFile(
    wrapper,
    [
      'let peak = process.memoryUsage().rss;',
      'const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);',
      `const { run } = await import(${JSON.stringify(cli)});`,
      'const code = await run(process.argv.slice(2));',
      'clearInterval(sampler);',
      "process.stderr.write('\\nMAXRSS ' + Math.round(Math.max(peak, process.memoryUsage().rss) / 1024) + '\\n');",
      'process.exitCode = code;',
    ].join('\n'),
  );
  const lines: string[] = [];
  try {
    for (const total of sizes) {
      const local = await startDynalite(`bh${total}`);
      const t0 = performance.now();
      await seed(local.client, local.tables, total);
      const seedMs = performance.now() - t0;
      const store = indexedStore({ client: local.client, tables: local.tables, cursorSecret });
      const service = new HistoryService({ store, cursorSecret });
      console.log(`\n${total.toLocaleString('en')} events seeded in ${(seedMs / 1000).toFixed(1)} s (${Math.round(total / (seedMs / 1000))} events/s)`);
      console.log(`query (page of ${pageSize})                  first p50  first p95  tenth p50  tenth p95   (ms, ${reps} runs)`);
      const rows: [string, Awaited<ReturnType<typeof measure>>][] = [
        ['one centre (regional admin)', await measure(service, claims.region, { centreId: 'ctr_bench-7' })],
        ['one department (its UD)', await measure(service, claims.ud, {})],
        ['one type in the region (admin)', await measure(service, claims.region, { type: 'PVValidated' })],
        ['one type, store type index', await measureTypeIndex(store)],
      ];
      for (const [name, m] of rows) {
        const line = `${name.padEnd(40)} ${fmt(m.p50first)}    ${fmt(m.p95first)}    ${fmt(m.p50tenth)}    ${fmt(m.p95tenth)}`;
        console.log(line);
        lines.push(`${total}\t${line}`);
      }
      // The bare router: the edge's middleware adds a log line per request, noise here.
      const server = await serve(createHistoryHandler({ service, verify: () => Promise.reject(new Error('unused')) }));
      const out = join(work, `export-${total}.csv`);
      const e0 = performance.now();
      const { stderr } = await run(process.execPath, [wrapper, '--url', server.url, '--token', 'bench', '--format', 'csv', '--page-size', '500', '--out', out], {
        maxBuffer: 16 * 1024 * 1024,
      });
      const exportMs = performance.now() - e0;
      const maxRss = Number(/MAXRSS (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
      const bytes = (await stat(out)).size;
      const line = `full CSV export of the region: ${(exportMs / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB, ${Math.round(total / (exportMs / 1000))} events/s, CLI peak RSS ${(maxRss / 1024).toFixed(0)} MiB`;
      console.log(line);
      lines.push(`${total}\t${line}`);
      await server.close();
      await local.stop();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

await main();
