import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger, logLevelOf } from '../../shared/platform/logger.js';
import { CountMetrics } from '../../shared/platform/metrics.js';
import { captureFunctionOutput, lambdaContext, type CapturedOutput } from '../support/functionLogs.js';

let output: CapturedOutput | undefined;

afterEach(() => {
  output?.restore();
  output = undefined;
  vi.unstubAllEnvs();
  delete (globalThis as { awslambda?: unknown }).awslambda;
});

/** What `run` writes, parsed. */
const linesOf = async (run: () => unknown): Promise<Record<string, unknown>[]> => {
  output = captureFunctionOutput();
  try {
    await run();
  } finally {
    output.restore();
  }
  return output.json();
};

/** The invoke store Lambda publishes where one instance runs several invocations at once. */
const publishInvokeStore = () => {
  vi.stubEnv('AWS_LAMBDA_MAX_CONCURRENCY', '4');
  const storage = new AsyncLocalStorage<Record<symbol, unknown>>();
  (globalThis as { awslambda?: unknown }).awslambda = {
    InvokeStore: {
      hasContext: () => storage.getStore() !== undefined,
      get: (key: symbol) => storage.getStore()?.[key],
      set: (key: symbol, value: unknown) => {
        const store = storage.getStore();
        if (!store) throw new Error('No context available');
        store[key] = value;
      },
    },
  };
  return <T>(run: () => Promise<T>) => storage.run({}, run);
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('logger level', () => {
  it.each([
    [{ AWS_LAMBDA_LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'DEBUG' }, 'SILENT', 'WARN'],
    [{ POWERTOOLS_LOG_LEVEL: 'DEBUG' }, 'SILENT', 'SILENT'],
    [{ POWERTOOLS_LOG_LEVEL: 'debug' }, undefined, 'DEBUG'],
    [{ LOG_LEVEL: 'error' }, undefined, 'ERROR'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'FATAL' }, undefined, 'CRITICAL'],
    [{ POWERTOOLS_LOG_LEVEL: 'LOUD' }, undefined, 'INFO'],
    [{}, undefined, 'INFO'],
  ] as const)('given the variables %j and the level %s in the code, then the level is %s', (env, given, expected) => {
    expect(new Logger({ serviceName: 's', env, ...(given ? { logLevel: given } : {}) }).level).toBe(expected);
  });

  it.each([
    [{}, 'SILENT'],
    [{ POWERTOOLS_LOG_LEVEL: 'INFO' }, 'INFO'],
    [{ LOG_LEVEL: 'debug' }, 'DEBUG'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'WARN' }, 'WARN'],
  ] as const)("given the default SILENT (the tests') and the variables %j, then the level is %s", (env, expected) => {
    expect(new Logger({ serviceName: 's', env, defaultLevel: 'SILENT' }).level).toBe(expected);
  });

  it('given a level name, then any case is read and anything else is not', () => {
    expect([logLevelOf('warn'), logLevelOf('Fatal'), logLevelOf('verbose'), logLevelOf(undefined)]).toEqual(['WARN', 'CRITICAL', undefined, undefined]);
  });

  it('given the WARN level, then info and debug write nothing, and SILENT writes nothing at all', async () => {
    const warn = new Logger({ serviceName: 's', env: {}, logLevel: 'WARN' });
    const silent = new Logger({ serviceName: 's', env: {}, logLevel: 'SILENT' });
    const lines = await linesOf(() => {
      warn.debug('d');
      warn.info('i');
      warn.warn('w');
      warn.error('e');
      silent.error('never');
    });
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['WARN', 'w'],
      ['ERROR', 'e'],
    ]);
  });
});

describe('logger lines', () => {
  it('given two invocations, then each line carries the service, the Lambda context, cold start on the first only, and the correlation id, before what the call adds', async () => {
    const logger = new Logger({ serviceName: 'tp-sessions', env: {} });
    const lines = await linesOf(() => {
      logger.beginInvocation(lambdaContext('api', 'req-1'), 'corr-1');
      logger.info('first', { route: 'GET /x', level: 'not mine', count: 2n });
      logger.beginInvocation(lambdaContext('api', 'req-2'), 'corr-2');
      logger.setCorrelationId('corr-3');
      logger.info('second');
    });

    expect(Object.keys(lines[0] ?? {})).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'cold_start',
      'function_arn',
      'function_memory_size',
      'function_name',
      'function_request_id',
      'correlation_id',
      'route',
      'count',
    ]);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      message: 'first',
      service: 'tp-sessions',
      cold_start: true,
      function_arn: 'arn:aws:lambda:eu-west-3:000000000000:function:test-api',
      function_memory_size: '512',
      function_name: 'api',
      function_request_id: 'req-1',
      correlation_id: 'corr-1',
      route: 'GET /x',
      count: '2',
    });
    expect(new Date(String(lines[0]?.timestamp)).toISOString()).toBe(lines[0]?.timestamp);
    expect(lines[1]).toMatchObject({ message: 'second', cold_start: false, function_request_id: 'req-2', correlation_id: 'corr-3' });
  });

  it('given an environment initialized ahead of invocations (provisioned concurrency), then no line says cold start', async () => {
    const logger = new Logger({ serviceName: 's', env: { AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' } });
    const [line] = await linesOf(() => {
      logger.beginInvocation(lambdaContext('api', 'req-1'), 'corr-1');
      logger.info('first');
    });
    expect(line?.cold_start).toBe(false);
  });

  it("given Lambda's trace header, then the line carries its root as xray_trace_id", async () => {
    const logger = new Logger({ serviceName: 's', env: { _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' } });
    const [line] = await linesOf(() => logger.info('traced'));
    expect(line?.xray_trace_id).toBe('1-5759e988-bd862e3fe1be46a994272793');
  });

  it('given an error with a cause and keys of its own, then the line holds its name, location, message, stack and cause, and a loop is cut', async () => {
    const logger = new Logger({ serviceName: 's', env: {} });
    const cause = new TypeError('inner');
    const error = Object.assign(new RangeError('outer', { cause }), { code: 'E_OUTER' });
    const looped: Record<string, unknown> = { name: 'looped' };
    looped.self = looped;
    const [first, second] = await linesOf(() => {
      logger.error('failed', error);
      logger.error('failed again', 'a plain string', { looped, nested: { error: cause } });
    });

    expect(first?.error).toMatchObject({
      name: 'RangeError',
      location: expect.stringMatching(/observability\.unit\.test\.ts:\d+$/),
      message: 'outer',
      stack: expect.stringContaining('RangeError: outer'),
      cause: { name: 'TypeError', message: 'inner', location: expect.stringMatching(/observability\.unit\.test\.ts:\d+$/) },
      code: 'E_OUTER',
    });
    expect(second).toMatchObject({ extra: 'a plain string', looped: { name: 'looped' }, nested: { error: { name: 'TypeError', message: 'inner' } } });
    expect((second?.looped as Record<string, unknown>).self).toBeUndefined();
  });

  it('given invocations running at once on one instance, then each line keeps the context and correlation id of its own invocation', async () => {
    const invoke = publishInvokeStore();
    const logger = new Logger({ serviceName: 's', env: {} });
    const lines = await linesOf(() =>
      Promise.all(
        ['a', 'b', 'c'].map((id) =>
          invoke(async () => {
            logger.beginInvocation(lambdaContext('api', `req-${id}`), `corr-${id}`);
            await tick();
            logger.info('after a wait');
            await tick();
            logger.setCorrelationId(`record-${id}`);
            logger.info('a record');
          }),
        ),
      ),
    );

    expect(lines.map((line) => `${String(line.function_request_id)} ${String(line.correlation_id)}`).sort()).toEqual([
      'req-a corr-a',
      'req-a record-a',
      'req-b corr-b',
      'req-b record-b',
      'req-c corr-c',
      'req-c record-c',
    ]);
  });
});

describe('logger output', () => {
  it('given a stream that fails to write (a closed pipe), then logging and publishing metrics do not throw', () => {
    const logger = new Logger({ serviceName: 's', env: {} });
    const metrics = new CountMetrics('tp-sessions', { service: 'tp-sessions' });
    const originals = [process.stdout.write, process.stderr.write] as const;
    const attempts: string[] = [];
    const failing = ((chunk: unknown) => {
      attempts.push(String(chunk));
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    }) as typeof process.stdout.write;
    process.stdout.write = failing;
    process.stderr.write = failing;
    try {
      expect(() => {
        logger.info('to stdout');
        logger.error('to stderr', new Error('boom'));
        metrics.single('MailSent', 1, {});
      }).not.toThrow();
    } finally {
      [process.stdout.write, process.stderr.write] = originals;
    }
    expect(attempts).toHaveLength(3);
  });
});

describe('EMF counts', () => {
  const emf = (line: Record<string, unknown>) => {
    const directive = (line._aws as { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] })
      .CloudWatchMetrics[0];
    return { namespace: directive?.Namespace, dimensions: directive?.Dimensions, metrics: directive?.Metrics };
  };

  it('given counts added during an invocation, then publishing writes one document summing each name, under the default dimensions, and then nothing more', async () => {
    const metrics = new CountMetrics('tp-sessions', { service: 'tp-sessions', stage: 'dev' });
    const lines = await linesOf(() => {
      metrics.add('MailSent', 1);
      metrics.add('MailSent', 2);
      metrics.add('MailFailed', 1);
      metrics.publish();
      metrics.publish();
    });

    expect(lines).toHaveLength(1);
    expect(emf(lines[0] ?? {})).toEqual({
      namespace: 'tp-sessions',
      dimensions: [['service', 'stage']],
      metrics: [
        { Name: 'MailSent', Unit: 'Count' },
        { Name: 'MailFailed', Unit: 'Count' },
      ],
    });
    expect(lines[0]).toMatchObject({ service: 'tp-sessions', stage: 'dev', MailSent: 3, MailFailed: 1 });
    expect(typeof (lines[0]?._aws as { Timestamp: unknown }).Timestamp).toBe('number');
  });

  it('given a single count, then it is written at once with its own dimension, apart from the stored counts, and cleared counts are never written', async () => {
    const metrics = new CountMetrics('tp-sessions', { service: 'tp-sessions' });
    const lines = await linesOf(() => {
      metrics.add('DeadlinesDue', 4);
      metrics.single('CommandAccepted', 1, { command: 'CreateSession' });
      metrics.clear();
      metrics.publish();
    });

    expect(lines).toHaveLength(1);
    expect(emf(lines[0] ?? {})).toMatchObject({ dimensions: [['service', 'command']], metrics: [{ Name: 'CommandAccepted', Unit: 'Count' }] });
    expect(lines[0]).toMatchObject({ command: 'CreateSession', CommandAccepted: 1 });
  });

  it('given invocations running at once on one instance, then each publishes only its own counts', async () => {
    const invoke = publishInvokeStore();
    const metrics = new CountMetrics('tp-sessions', { service: 'tp-sessions' });
    const lines = await linesOf(() =>
      Promise.all(
        [1, 10, 100].map((mails) =>
          invoke(async () => {
            metrics.add('MailSent', mails);
            await tick();
            metrics.add('MailSent', mails);
            await tick();
            metrics.publish();
          }),
        ),
      ),
    );

    expect(lines.map((line) => Number(line.MailSent)).sort((a, b) => a - b)).toEqual([2, 20, 200]);
  });
});
