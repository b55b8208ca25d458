import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';

/**
 * What the Lambda service does with a function's output, offline, where every function runs in
 * this one process, several invocations at once:
 *
 * - each invocation runs in its own async context, published as `globalThis.awslambda.InvokeStore`
 *   as Lambda does on instances that run several invocations at once (`AWS_LAMBDA_MAX_CONCURRENCY`),
 *   so the logger keeps each invocation's keys (context, correlation id) and metrics apart;
 * - what an invocation writes to stdout and stderr (its JSON lines and EMF documents) is
 *   its log stream: shown as is with `logs: 'json'`, dropped otherwise;
 * - each invocation ends with one readable line: function, trigger, what it was given, outcome,
 *   duration (`sam local`'s REPORT line, serverless-offline's request line).
 */
export type FunctionLogs = 'lines' | 'json';

export interface InvocationObserver {
  /** Runs a function's module loading (its cold start) with its output captured. */
  load<T>(declaration: FunctionDeclaration, load: () => Promise<T>): Promise<T>;
  /** Runs one invocation in its own context, then writes its line. */
  invoke<T>(declaration: FunctionDeclaration, context: Context, event: unknown, run: () => Promise<T>): Promise<T>;
}

type Store = Record<PropertyKey, unknown>;

const invocations = new AsyncLocalStorage<Store>();
const OUTPUT = Symbol('tp-sessions.offline.output');
// The keys Lambda's runtime client reserves (read through the getters: the trace header by the logger and the tracer).
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
const X_RAY_TRACE_ID = Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID');
// Outside any invocation (a script, a test calling the logger directly) keys land here.
const outside: Store = {};

const current = (): Store => invocations.getStore() ?? outside;

const invokeStore = {
  getContext: () => invocations.getStore(),
  hasContext: () => invocations.getStore() !== undefined,
  get: (key: PropertyKey) => current()[key],
  set: (key: PropertyKey, value: unknown) => {
    current()[key] = value;
  },
  run: <T>(context: Store, fn: () => T) => invocations.run(context, fn),
  isProtectedKey: (key: PropertyKey) => key === REQUEST_ID || key === X_RAY_TRACE_ID,
  getRequestId: () => (current()[REQUEST_ID] as string | undefined) ?? '-',
  getXRayTraceId: () => current()[X_RAY_TRACE_ID] as string | undefined,
  getTenantId: () => undefined,
  getTraceparent: () => undefined,
  getTracestate: () => undefined,
  getBaggage: () => undefined,
};

const tapped = new WeakSet<object>();

/**
 * Publishes the invoke store and taps stdout and stderr, once per process (again if something put
 * the streams back). Outside an invocation the streams write as before.
 */
const install = () => {
  const lambda = ((globalThis as { awslambda?: Record<string, unknown> }).awslambda ??= {});
  lambda.InvokeStore = invokeStore;
  for (const stream of [process.stdout, process.stderr]) {
    if (tapped.has(stream.write)) continue;
    const previous = stream.write;
    const write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
      const output = invocations.getStore()?.[OUTPUT] as ((text: string) => void) | undefined;
      if (!output) return (previous as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      output(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    } as typeof stream.write;
    tapped.add(write);
    stream.write = write;
  }
};

const triggerOf = (declaration: FunctionDeclaration, event: unknown): string => {
  const shape = event as { requestContext?: unknown; 'detail-type'?: string; Records?: { eventSource?: string }[] } | null;
  if (shape?.requestContext) return 'http';
  if (shape?.['detail-type']) return shape['detail-type'] === 'Scheduled Event' ? 'schedule' : 'event';
  const source = shape?.Records?.[0]?.eventSource;
  if (source === 'aws:dynamodb') return 'stream';
  if (source === 'aws:sqs') return 'queue';
  if (source === 'aws:s3') return 's3';
  return declaration.trigger.kind;
};

const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

/** What the invocation was given, without its data: the route template, never the path or body. */
const inputOf = (trigger: string, event: unknown): string => {
  const shape = event as { routeKey?: string; time?: string; Records?: { s3?: { object?: { key?: string } } }[] };
  if (trigger === 'http') return shape.routeKey ?? '';
  // The schedules run in Paris time (functions' declarations): the firing, as the clock page shows it.
  if (trigger === 'schedule') return shape.time ? new Date(shape.time).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }) : '';
  if (trigger === 's3') return shape.Records?.map((record) => record.s3?.object?.key ?? '').join(' ') ?? '';
  if (trigger === 'stream') return plural(shape.Records?.length ?? 0, 'record');
  if (trigger === 'queue') return plural(shape.Records?.length ?? 0, 'message');
  return '';
};

const outcomeOf = (result: unknown): string => {
  const shape = result as { statusCode?: number; batchItemFailures?: unknown[] } | null | undefined;
  if (typeof shape?.statusCode === 'number') return String(shape.statusCode);
  if (Array.isArray(shape?.batchItemFailures) && shape.batchItemFailures.length > 0) return `${shape.batchItemFailures.length} failed`;
  return 'ok';
};

/** One line per invocation, e.g. `λ api          http     POST /api/sessions → 201 (48 ms)`. */
const invocationLine = (name: string, trigger: string, input: string, outcome: string, ms: number): string =>
  `λ ${name.padEnd(15)} ${trigger.padEnd(8)} ${input ? `${input} ` : ''}→ ${outcome} (${Math.round(ms)} ms)`;

export const createInvocationObserver = (options: { readonly log: (line: string) => void; readonly logs?: FunctionLogs }): InvocationObserver => {
  install();
  // Out of any invocation's context: a log line written to stdout would otherwise be captured again.
  const log = (line: string) => invocations.exit(() => options.log(line));
  const output = (): ((text: string) => void) => {
    if (options.logs !== 'json') return () => undefined;
    let partial = '';
    return (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') log(line);
    };
  };
  return {
    load: (_declaration, load) => {
      install();
      return invocations.run({ [OUTPUT]: output() }, load);
    },
    invoke: async (declaration, context, event, run) => {
      install();
      const trigger = triggerOf(declaration, event);
      const started = performance.now();
      try {
        const result = await invocations.run({ [REQUEST_ID]: context.awsRequestId, [OUTPUT]: output() }, run);
        log(invocationLine(declaration.name, trigger, inputOf(trigger, event), outcomeOf(result), performance.now() - started));
        return result;
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
        log(invocationLine(declaration.name, trigger, inputOf(trigger, event), `error ${reason}`, performance.now() - started));
        throw error;
      }
    },
  };
};
