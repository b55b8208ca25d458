#!/usr/bin/env -S npx tsx
/**
 * `npm run history -- [options]` / `tp-history [options]`: the administrators' command line for the
 * event history. It queries a running system over HTTP (the offline one by default) and writes a
 * table, JSON, CSV or NDJSON, page by page: a large export never sits in memory.
 */
import { createWriteStream, realpathSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { definitionOf, eventTypes } from '../events/index.js';
import type { HistoryCloudEvent } from '../shared/history/cloudEvents.js';
import { NEXT_CURSOR_HEADER, PAGE_EVENTS_HEADER } from '../shared/history/export.js';
import { parisDateTime } from '../shared/history/timelinePage.js';

export const EXIT = { ok: 0, usage: 1, auth: 2, notFound: 3, server: 4 } as const;

const HELP = `Usage: npm run history -- [options]      (or: tp-history [options])

Reads the event history of tp-sessions: who did what, and when. Without --url it asks the offline
system started by "npm start" (http://localhost:3000) and signs in as its demo regional admin.

Where to ask
  --url URL            a running system (default http://localhost:3000, or TP_HISTORY_URL)
  --token TOKEN        a bearer token for --url (or TP_HISTORY_TOKEN); offline, not needed
  --user NAME          offline demo user to sign in as: region (default), ud, centre, centre2

What to read (one place at most; none = everything you may see)
  --session ID         one session, e.g. ses_01J...
  --centre ID          one centre, e.g. ctr_lyon-formation
  --department CODE    one department, e.g. 69
  --region CODE        one region, e.g. 84
  --type TYPE          an event type; repeat it or separate with commas (see the list below)
  --actor ID           only what this user did
  --from DATE          from this day (YYYY-MM-DD, Paris time) or instant (ISO 8601)
  --to DATE            up to this day (included) or instant
  --order asc|desc     oldest or newest first (default desc)
  --page-size N        events per request, 1 to 500 (default 50)
  --cursor CURSOR      continue after a page (printed when more events are left)
  --all                read every page, not just the first (exports always do)

How to write it
  --format FORMAT      table (default), json, csv or ndjson
  --separator ;|,      CSV separator (default ";" for French spreadsheets)
  --out FILE           write to FILE instead of the terminal
  --help               this text

A progress line is shown on the terminal's error output during long reads (only on a terminal).

Exit codes
  0  done, at least one event
  1  wrong usage: unknown option, or a filter the system refused (its message says which)
  2  not signed in, or not allowed to read this history
  3  nothing found: no event matched, or the session does not exist
  4  the system failed or could not be reached

Event types: ${eventTypes.join(', ')}
`;

class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

interface Options {
  readonly url: string;
  readonly token?: string | undefined;
  readonly user: string;
  readonly query: Record<string, string>;
  readonly all: boolean;
  readonly format: 'table' | 'json' | 'csv' | 'ndjson';
  readonly separator: ';' | ',';
  readonly out?: string | undefined;
}

const parseOptions = (argv: readonly string[], env: NodeJS.ProcessEnv): Options | 'help' => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        user: { type: 'string', default: 'region' },
        session: { type: 'string' },
        centre: { type: 'string' },
        department: { type: 'string' },
        region: { type: 'string' },
        type: { type: 'string', multiple: true },
        actor: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        order: { type: 'string' },
        'page-size': { type: 'string' },
        cursor: { type: 'string' },
        all: { type: 'boolean', default: false },
        format: { type: 'string', default: 'table' },
        separator: { type: 'string', default: ';' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new CliError(EXIT.usage, `${(error as Error).message}\nSee --help.`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const format = v.format;
  if (format !== 'table' && format !== 'json' && format !== 'csv' && format !== 'ndjson') throw new CliError(EXIT.usage, `Unknown --format ${format}: table, json, csv or ndjson.`);
  if (v.separator !== ';' && v.separator !== ',') throw new CliError(EXIT.usage, 'The --separator is ";" or ",".');
  const types = (v.type ?? [])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const unknown = types.filter((t) => definitionOf(t) === undefined);
  if (unknown.length > 0) throw new CliError(EXIT.usage, `Unknown event type: ${unknown.join(', ')}. See --help for the list.`);
  const query: Record<string, string> = {};
  const put = (name: string, value: string | undefined) => {
    if (value !== undefined) query[name] = value;
  };
  put('sessionId', v.session);
  put('centreId', v.centre);
  put('department', v.department);
  put('region', v.region);
  if (types.length > 0) query.type = types.join(',');
  put('actor', v.actor);
  put('from', v.from);
  put('to', v.to);
  put('order', v.order);
  put('limit', v['page-size']);
  put('cursor', v.cursor);
  return {
    url: (v.url ?? env.TP_HISTORY_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    token: v.token ?? env.TP_HISTORY_TOKEN,
    user: v.user,
    query,
    all: v.all || format === 'csv' || format === 'ndjson',
    format,
    separator: v.separator,
    out: v.out,
  };
};

const request = async (url: string, init?: RequestInit): Promise<Response> => {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new CliError(
      EXIT.server,
      `Cannot reach ${new URL(url).origin}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`,
    );
  }
};

/** The token: given, or from the offline sign-in for a demo user. */
const tokenFor = async (options: Options): Promise<string> => {
  if (options.token) return options.token;
  const response = await request(`${options.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: options.user }) });
  if (response.status >= 500) throw new CliError(EXIT.server, `Sign-in failed (${response.status}).`);
  const body = (await response.json().catch(() => ({}))) as { token?: string; message?: string };
  if (!response.ok || typeof body.token !== 'string')
    throw new CliError(EXIT.auth, `Could not sign in as "${options.user}" at ${options.url}: ${body.message ?? response.statusText}. A deployed system needs --token.`);
  return body.token;
};

/** Maps a refusal to an exit code with the system's French message and its fields. */
const refusal = async (response: Response): Promise<CliError> => {
  const text = await response.text();
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { error?: { message?: string; fields?: { field: string; message: string }[] }; message?: string };
    const fields = (body.error?.fields ?? []).map((field) => `\n  ${field.field}: ${field.message}`).join('');
    message = `${body.error?.message ?? body.message ?? message}${fields}`;
  } catch {
    // Not JSON (a proxy's page): the start of the text says enough.
  }
  const code = response.status === 400 ? EXIT.usage : response.status === 401 || response.status === 403 ? EXIT.auth : response.status === 404 ? EXIT.notFound : EXIT.server;
  return new CliError(code, `${response.status}: ${message}`);
};

/** Writes and waits for the buffer to drain, so memory stays flat whatever the export's size. */
const write = async (out: NodeJS.WritableStream, chunk: string | Buffer) => {
  if (!out.write(chunk)) await once(out, 'drain');
};

const pad = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
const tableHeader = `${pad('Date (Paris)', 16)}  ${pad('Événement', 44)}  ${pad('Flux', 36)}  Par\n`;
const tableRow = (event: HistoryCloudEvent) =>
  `${pad(parisDateTime(event.recordedat), 16)}  ${pad(definitionOf(event.type)?.label ?? event.type, 44)}  ${pad(event.subject, 36)}  ${event.actorrole} ${event.actorid}\n`;

/** A progress line on stderr: a bar when the period is known, a counter otherwise. */
const progress = (options: Options, enabled: boolean) => {
  const from = options.query.from ? Date.parse(options.query.from) : Number.NaN;
  const to = options.query.to ? Date.parse(options.query.to) : Number.NaN;
  let count = 0;
  let pages = 0;
  return {
    /** After each page: how many events it held and when the last one was recorded. */
    page(events: number, lastRecordedAt: string | undefined) {
      count += events;
      pages += 1;
      if (!enabled) return;
      let bar = '';
      if (lastRecordedAt && Number.isFinite(from) && Number.isFinite(to) && to > from) {
        const at = Date.parse(lastRecordedAt);
        const done = Math.min(1, Math.max(0, options.query.order === 'asc' ? (at - from) / (to - from) : (to - at) / (to - from)));
        const width = 30;
        bar = `[${'#'.repeat(Math.round(done * width)).padEnd(width, '.')}] ${Math.round(done * 100)} % `;
      }
      process.stderr.write(`\r${bar}${count} events, ${pages} pages`);
    },
    end() {
      if (enabled && pages > 0) process.stderr.write('\n');
    },
    get count() {
      return count;
    },
  };
};

/** When the last event of an export page was recorded (third column of CSV, `recordedat` of NDJSON). */
const lastRecordedAtOf = (body: string, options: Options): string | undefined => {
  const lines = body.split(options.format === 'csv' ? '\r\n' : '\n').filter((line) => line !== '');
  const last = lines.at(-1);
  if (!last) return undefined;
  if (options.format === 'ndjson') return (JSON.parse(last) as HistoryCloudEvent).recordedat;
  // The first three CSV columns (id and two instants) never need quoting.
  return last.split(options.separator)[2];
};

/** Runs the command line; resolves to the exit code. */
export const run = async (argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const options = parseOptions(argv, env);
  if (options === 'help') {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const token = await tokenFor(options);
  const exporting = options.format === 'csv' || options.format === 'ndjson';
  const path = exporting ? '/api/history/export' : '/api/history';
  const file: WriteStream | undefined = options.out ? createWriteStream(options.out) : undefined;
  const out: NodeJS.WritableStream = file ?? process.stdout;
  const meter = progress(options, process.stderr.isTTY === true && options.all);
  let cursor = options.query.cursor;
  let first = true;
  try {
    for (;;) {
      const query = new URLSearchParams({ ...options.query, ...(cursor ? { cursor } : {}) });
      if (exporting) {
        query.set('format', options.format);
        query.set('separator', options.separator === ',' ? 'comma' : 'semicolon');
      }
      const response = await request(`${options.url}${path}?${query.toString()}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      if (!response.ok) throw await refusal(response);
      if (exporting) {
        // Bytes as sent: Response.text() would drop the CSV's byte order mark.
        const bytes = Buffer.from(await response.arrayBuffer());
        await write(out, bytes);
        const body = bytes.toString('utf8');
        cursor = response.headers.get(NEXT_CURSOR_HEADER) ?? undefined;
        meter.page(Number(response.headers.get(PAGE_EVENTS_HEADER) ?? '0'), lastRecordedAtOf(body, options));
      } else {
        const body = (await response.json()) as { events: HistoryCloudEvent[]; nextCursor?: string };
        const events = body.events;
        if (options.format === 'table') await write(out, (first ? tableHeader : '') + events.map(tableRow).join(''));
        else await write(out, (first ? '[\n' : events.length > 0 ? ',\n' : '') + events.map((event) => JSON.stringify(event)).join(',\n'));
        cursor = body.nextCursor;
        meter.page(events.length, events.at(-1)?.recordedat);
      }
      first = false;
      if (!cursor || !options.all) break;
    }
    if (options.format === 'json') await write(out, '\n]\n');
  } finally {
    meter.end();
    if (file) {
      file.end();
      await once(file, 'close');
    }
  }
  if (cursor && !options.all) process.stderr.write(`More events are left: add --all, or --cursor ${cursor}\n`);
  if (meter.count === 0) {
    process.stderr.write('No event matched.\n');
    return EXIT.notFound;
  }
  return EXIT.ok;
};

/** Run as a program (npm run history, the tp-history bin link), not imported by a test. */
const isMain = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isMain) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof CliError) {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = error.exitCode;
      } else {
        process.stderr.write(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = EXIT.server;
      }
    },
  );
}
