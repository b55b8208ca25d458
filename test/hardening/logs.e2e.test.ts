import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, PERSONAL, runLifecycle, startHardeningRuntime, type HardeningRuntime, type Lifecycle } from './support/runtime.js';

// The HTTP logger is silent under vitest; Lambda's Advanced Logging Controls level overrides it, at DEBUG so that every line shows.
vi.hoisted(() => {
  process.env.AWS_LAMBDA_LOG_LEVEL = 'DEBUG';
});

/**
 * Every line the system writes while a session is lived (handlers, their logger and metrics,
 * the runtime's line per invocation, emulators, warnings) is captured: process stdout and stderr
 * and the console, since vitest intercepts the console before it reaches the process streams. The
 * runtime shows the functions' own JSON lines (`functionLogs: 'json'`, `npm start -- --logs json`).
 */
const captured: string[] = [];
const restore: (() => void)[] = [];
const capture = () => {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = original));
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      captured.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    };
    restore.push(() => (console[level] = original));
  }
};

const BURST = 20;

let h: HardeningRuntime;
let life: Lifecycle;
let mailCount = 0;

beforeAll(async () => {
  capture();
  try {
    h = await startHardeningRuntime({ log: (line) => captured.push(line), functionLogs: 'json' });
    life = await runLifecycle(h);
    // Twenty requests at once, as Lambda would run them on twenty instances: here in one process.
    const token = await h.runtime.signIn('centre');
    await Promise.all(Array.from({ length: BURST }, () => call(h.runtime.urls.app, token, 'GET', `/api/sessions/${life.sessionId}`)));
    const store = (await fetch(`${h.runtime.urls.ses}/store`).then((r) => r.json())) as { emails: unknown[] };
    mailCount = store.emails.length;
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('logs carry no personal data', () => {
  it('given a whole session lived over HTTP (jurors, candidates with emails, an accommodation, convocations), the logs were written and mails went out', () => {
    expect(life.candidateIds).toHaveLength(2);
    expect(captured.join('\n')).toContain('"route":"POST /api/sessions"');
    expect(mailCount).toBeGreaterThan(0);
  });

  it('no captured line holds a candidate’s or juror’s name, an email address or the accommodation text', () => {
    const text = captured.join('\n');
    const forbidden = [...PERSONAL.lastNames, ...PERSONAL.firstNames, ...PERSONAL.emails, ...PERSONAL.jurorNames, ...PERSONAL.jurorEmails, PERSONAL.adaptation, 'Tiers temps'];
    expect(forbidden.filter((needle) => text.includes(needle))).toEqual([]);
    // No email address at all, whoever's (demo users', units' mailboxes): recipients are logged by id only.
    expect(text.match(/[\w.+-]+@[\w-]+\.[\w.-]+/g) ?? []).toEqual([]);
  });
});

/** The captured lines that are JSON, parsed. */
const jsonLines = (): Record<string, unknown>[] =>
  captured
    .flatMap((chunk) => chunk.split('\n'))
    .flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

describe('what the functions log', () => {
  it('given the runtime, then each invocation has one readable line: function, trigger, route or batch, outcome, duration', () => {
    const lines = captured.filter((line) => line.startsWith('λ '));
    expect(lines.find((line) => /^λ api +http +POST \/api\/sessions → 201 \(\d+ ms\)$/.test(line))).toBeDefined();
    expect(lines.find((line) => /^λ \w+ +stream +\d+ records? → (ok|\d+ failed) \(\d+ ms\)$/.test(line))).toBeDefined();
  });

  it('every line a function writes carries its function name, its request id and a correlation id', () => {
    const lines = jsonLines().filter((line) => line.service === 'tp-sessions' && typeof line.message === 'string');
    expect(lines.length).toBeGreaterThan(0);
    const missing = lines.filter((line) => typeof line.function_name !== 'string' || typeof line.function_request_id !== 'string' || typeof line.correlation_id !== 'string');
    expect(missing).toEqual([]);
  });

  it('given invocations running at once in one process, then each line keeps the correlation id of its own request', () => {
    const route = 'GET /api/sessions/{sessionId}';
    const burst = jsonLines().filter((line) => line.message === 'request' && line.route === route);
    expect(burst.length).toBeGreaterThanOrEqual(BURST);
    // One request id, one correlation id: a key leaking from a concurrent invocation would pair them twice.
    const pairs = new Set(burst.map((line) => `${String(line.function_request_id)} ${String(line.correlation_id)}`));
    expect(new Set(burst.map((line) => line.correlation_id)).size).toBe(burst.length);
    expect(pairs.size).toBe(burst.length);
  });

  it('commands accepted and mails sent appear as EMF metrics in the logs', () => {
    const metrics = jsonLines().flatMap((line) => {
      const directive = (line._aws as { CloudWatchMetrics?: { Namespace: string; Metrics: { Name: string }[] }[] } | undefined)?.CloudWatchMetrics?.[0];
      return directive ? directive.Metrics.map((metric) => ({ namespace: directive.Namespace, name: metric.Name, command: line.command })) : [];
    });
    expect(metrics).toContainEqual({ namespace: 'tp-sessions', name: 'CommandAccepted', command: 'CreateSession' });
    expect(metrics.some((metric) => metric.name === 'MailSent')).toBe(true);
  });
});
