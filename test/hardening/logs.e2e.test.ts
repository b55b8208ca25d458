import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PERSONAL, runLifecycle, startHardeningRuntime, type HardeningRuntime, type Lifecycle } from './support/runtime.js';

// The HTTP logger is silent under vitest; Lambda's Advanced Logging Controls level overrides it, at DEBUG so that every line shows.
vi.hoisted(() => {
  process.env.AWS_LAMBDA_LOG_LEVEL = 'DEBUG';
});

/**
 * Every line the system writes while a session is lived (handlers, Powertools logger, runtime,
 * emulators, warnings) is captured: process stdout and stderr and the console, since vitest
 * intercepts the console before it reaches the process streams.
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

let h: HardeningRuntime;
let life: Lifecycle;
let mailCount = 0;

beforeAll(async () => {
  capture();
  try {
    h = await startHardeningRuntime({ log: (line) => captured.push(line) });
    life = await runLifecycle(h);
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
