import type { Context } from 'aws-lambda';

/**
 * What functions write, captured: the logger writes its JSON lines and EMF documents to the process
 * streams itself (not through `console`), so the streams are tapped.
 *
 * The logger is silent under vitest, at the level it was built with: a test file that reads the
 * lines sets the level before anything is imported,
 * `vi.hoisted(() => { process.env.POWERTOOLS_LOG_LEVEL = 'INFO'; })`, and captures around every
 * invocation it makes, so that nothing reaches the terminal.
 */
export interface CapturedOutput {
  readonly lines: string[];
  /** Every captured line that is JSON, parsed. */
  json(): Record<string, unknown>[];
  restore(): void;
}

export const captureFunctionOutput = (): CapturedOutput => {
  const lines: string[] = [];
  const undo: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
    undo.push(() => (stream.write = original));
  }
  return {
    lines,
    json: () =>
      lines.flatMap((line) => {
        try {
          const value: unknown = JSON.parse(line);
          return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    restore: () => {
      for (const step of undo.reverse()) step();
    },
  };
};

/** A Lambda context as the service gives it, for a function of this name. */
export const lambdaContext = (functionName: string, awsRequestId = `req-${functionName}-${Math.random().toString(36).slice(2, 10)}`): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-3:000000000000:function:test-${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId,
  logGroupName: `/aws/lambda/test-${functionName}`,
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 300_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A scheduled EventBridge event, as EventBridge Scheduler sends it. */
export const scheduledEvent = (id = `sched-${Math.random().toString(36).slice(2, 10)}`) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event' as const,
  source: 'aws.scheduler',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'eu-west-3',
  resources: [],
  detail: {},
});
