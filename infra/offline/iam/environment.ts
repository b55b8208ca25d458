import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Each function's own `process.env`, in one process. Every function runs here, but in AWS each
 * has its own environment: a variable its declaration does not give it must be missing, as it
 * would be there. So `process.env` becomes a view that reads and writes the environment of the
 * function whose code is running (its cold start, then each invocation, and whatever they start:
 * promises and timers keep the context), and the runtime's own environment everywhere else.
 *
 * AsyncLocalStorage rather than a worker thread per function: the functions keep sharing this
 * process as the rest of the runtime expects (the invocation observer, the tests' hooks, one
 * module graph loaded once, a crash that loses what is in flight), and fifteen V8 isolates each
 * loading the SDK would cost seconds at start and hundreds of MB.
 */
const contexts = new AsyncLocalStorage<NodeJS.ProcessEnv>();
let hostEnvironment: NodeJS.ProcessEnv | undefined;

const current = (): NodeJS.ProcessEnv => contexts.getStore() ?? hostEnvironment ?? process.env;

/** Replaces `process.env` by the per-function view, once per process (idempotent). */
const installEnvironmentSwitch = (): void => {
  if (hostEnvironment) return;
  const host = process.env;
  hostEnvironment = host;
  // A plain target: process.env's own object has interceptors a Proxy's invariants do not expect.
  process.env = new Proxy(Object.create(null) as NodeJS.ProcessEnv, {
    get: (_target, name) => (typeof name === 'string' ? current()[name] : undefined),
    set: (_target, name, value) => {
      if (typeof name !== 'string') return false;
      current()[name] = String(value);
      return true;
    },
    has: (_target, name) => typeof name === 'string' && name in current(),
    deleteProperty: (_target, name) => {
      if (typeof name === 'string') delete current()[name];
      return true;
    },
    ownKeys: () => Object.keys(current()),
    getOwnPropertyDescriptor: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      const environment = current();
      return name in environment ? { value: environment[name], writable: true, enumerable: true, configurable: true } : undefined;
    },
    defineProperty: (_target, name, descriptor) => {
      if (typeof name !== 'string') return false;
      current()[name] = String(descriptor.value);
      return true;
    },
  });
};

/** Runs `fn` (and all it starts) with `environment` as its `process.env`. */
export const withEnvironment = <T>(environment: NodeJS.ProcessEnv, fn: () => T): T => {
  installEnvironmentSwitch();
  return contexts.run(environment, fn);
};

/** The runtime's own environment, whatever context the caller is in. */
export const hostEnv = (): NodeJS.ProcessEnv => hostEnvironment ?? process.env;
