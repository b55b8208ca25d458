import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';
import { withEnvironment } from './iam/environment.js';
import type { InvocationObserver } from './invocations.js';

/**
 * What the Lambda service does for one function: load its handler module once (cold start), build
 * a context, run the handler with the function's timeout. Offline, every function runs in this
 * process; given an `environment`, its cold start and each invocation see that as `process.env`
 * (./iam/environment.ts), so its clients are built from its own variables and credentials.
 */
type Handler = (event: unknown, context: Context) => Promise<unknown>;

class FunctionTimeoutError extends Error {
  override readonly name = 'FunctionTimeoutError';
}

export interface LoadedFunction {
  readonly declaration: FunctionDeclaration;
  invoke(event: unknown): Promise<unknown>;
}

const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * In AWS each concurrent invocation runs in its own instance with its own CPU; offline they all
 * share this process. Without a cap, a burst (200 requests at once) makes every invocation slow
 * together and all of them hit their timeout after their work was done. So each function runs at
 * most this many invocations at once and the others wait, as if for an instance, and the timeout
 * counts from the start of the invocation, as Lambda's does.
 */
const OFFLINE_CONCURRENCY = 4;

const contextFor = (declaration: FunctionDeclaration, deadline: number): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: declaration.name,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-3:000000000000:function:local-${declaration.name}`,
  memoryLimitInMB: String(declaration.memoryMb ?? 512),
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/local-${declaration.name}`,
  logStreamName: 'offline',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** Imports the handler module of a declaration (its `handler` export, as the CDK app wires it). */
export const loadFunction = async (
  declaration: FunctionDeclaration,
  rootDir: string,
  onInvoke?: (functionName: string, event: unknown) => void,
  /** Gives each invocation its context and log stream, and writes its line (invocations.ts). */
  observer?: InvocationObserver,
  /** The function's own environment (its Lambda's variables); the process's when absent. */
  environment?: NodeJS.ProcessEnv,
): Promise<LoadedFunction> => {
  const url = pathToFileURL(resolve(rootDir, declaration.entry)).href;
  const inEnvironment = <T>(fn: () => T): T => (environment ? withEnvironment(environment, fn) : fn());
  const importModule = () => inEnvironment(() => import(url) as Promise<{ handler?: unknown }>);
  const module = await (observer ? observer.load(declaration, importModule) : importModule());
  const handler = module.handler;
  if (typeof handler !== 'function') throw new Error(`${declaration.entry} does not export a "handler" function (function ${declaration.name})`);
  const timeoutMs = (declaration.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finishing invocation hands its slot straight to the next waiting one.
  const acquire = async () => {
    if (running < OFFLINE_CONCURRENCY) running += 1;
    else await new Promise<void>((start) => waiting.push(start));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return {
    declaration,
    invoke: async (event) => {
      onInvoke?.(declaration.name, event);
      await acquire();
      try {
        return await run(event);
      } finally {
        release();
      }
    },
  };

  async function run(event: unknown): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(`Function ${declaration.name} timed out after ${timeoutMs / 1000} s`)), timeoutMs);
      timer.unref();
    });
    const context = contextFor(declaration, deadline);
    const invoke = () => inEnvironment(() => Promise.race([Promise.resolve((handler as Handler)(event, context)), timeout]));
    try {
      return await (observer ? observer.invoke(declaration, context, event, invoke) : invoke());
    } finally {
      clearTimeout(timer);
    }
  }
};
