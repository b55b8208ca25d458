/**
 * A value that belongs to one invocation (its log keys, its metrics), kept apart from the others
 * when one instance runs several invocations at once.
 *
 * Where Lambda does that (`AWS_LAMBDA_MAX_CONCURRENCY`), its runtime publishes each invocation's
 * async context as `globalThis.awslambda.InvokeStore`, and the value lives there. The offline
 * runtime, which runs every function in one process, does the same (infra/offline/invocations.ts).
 * Elsewhere one invocation runs at a time and the value lives in the module, as it does outside
 * any invocation (a script, a test calling a handler directly).
 */
interface InvokeStore {
  hasContext(): boolean;
  get(key: symbol): unknown;
  set(key: symbol, value: unknown): void;
  getXRayTraceId?(): string | undefined;
}

const publishedStore = () => (globalThis as { awslambda?: { InvokeStore?: InvokeStore } }).awslambda?.InvokeStore;

const invokeStore = (): InvokeStore | undefined => {
  if (process.env.AWS_LAMBDA_MAX_CONCURRENCY === undefined) return undefined;
  const store = publishedStore();
  return store?.hasContext() ? store : undefined;
};

/** The invocation's `X-Amzn-Trace-Id`: the invoke store's where there is one, else the variable Lambda sets for each invocation. */
export const traceHeaderOf = (env: NodeJS.ProcessEnv): string | undefined => publishedStore()?.getXRayTraceId?.() ?? env._X_AMZN_TRACE_ID;

/** The fields of an `X-Amzn-Trace-Id` header the tracer and the logger read. */
export interface TraceHeader {
  readonly root: string;
  readonly parent: string;
  readonly sampled: boolean;
}

export const parseTraceHeader = (header: string | undefined): TraceHeader | undefined => {
  if (!header) return undefined;
  const fields = new Map(header.split(';').map((part) => [part.slice(0, part.indexOf('=')).trim(), part.slice(part.indexOf('=') + 1).trim()]));
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  if (!root || !/^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(root) || !parent || !/^[0-9a-f]{16}$/.test(parent)) return undefined;
  return { root, parent, sampled: fields.get('Sampled') === '1' };
};

export interface InvocationSlot<T> {
  get(): T;
  set(value: T): void;
}

/** A slot named `name`, holding `initial()` in each invocation until it is set. */
export const invocationSlot = <T>(name: string, initial: () => T): InvocationSlot<T> => {
  const key = Symbol(`tp-sessions.${name}`);
  let local = initial();
  return {
    get: () => {
      const store = invokeStore();
      if (!store) return local;
      if (store.get(key) === undefined) store.set(key, initial());
      return store.get(key) as T;
    },
    set: (value) => {
      const store = invokeStore();
      if (store) store.set(key, value);
      else local = value;
    },
  };
};
