import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createInvocationObserver } from '../../infra/offline/invocations.js';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';

const declaration = (name: string, kind: 'stream' | 'http' = 'stream'): FunctionDeclaration =>
  ({
    name,
    entry: `functions/${name}/handler.ts`,
    description: name,
    resources: {},
    trigger: kind === 'http' ? { kind, routes: [] } : { kind, eventTypes: [] },
  }) as FunctionDeclaration;

const context = (awsRequestId: string) => ({ awsRequestId }) as Context;

const streamEvent = (records: number) => ({ Records: Array.from({ length: records }, () => ({ eventSource: 'aws:dynamodb' })) });

/** What a function writes, as its logger does: straight to the process stream, not through `console`. */
const write = (text: string) => process.stdout.write(`${text}\n`);

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('offline invocations', () => {
  it('given lines mode, then an invocation shows as one line and what it writes is dropped', async () => {
    const log: string[] = [];
    const observer = createInvocationObserver({ log: (line) => log.push(line), logs: 'lines' });
    await observer.invoke(declaration('projector'), context('r-1'), streamEvent(2), async () => {
      write('{"message":"inside"}');
      return { batchItemFailures: [{ itemIdentifier: '7' }] };
    });

    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^λ projector +stream +2 records → 1 failed \(\d+ ms\)$/);
  });

  it("given json mode and two invocations at once, then each one's lines come out whole, before its own line, and writes outside any invocation pass through", async () => {
    const outside: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) => outside.push(chunk) > 0) as typeof process.stdout.write;
    const log: string[] = [];
    const observer = createInvocationObserver({ log: (line) => log.push(line), logs: 'json' });
    const run = (name: string) =>
      observer.invoke(declaration(name, 'http'), context(`r-${name}`), { requestContext: {}, routeKey: `GET /${name}` }, async () => {
        write(`{"from":"${name}","part":1}`);
        await tick();
        process.stdout.write(`{"from":"${name}",`);
        await tick();
        process.stdout.write('"part":2}\n');
        return { statusCode: 200 };
      });
    try {
      await Promise.all([run('a'), run('b')]);
      write('not in an invocation');
    } finally {
      process.stdout.write = original;
    }

    for (const name of ['a', 'b']) {
      const own = log.filter((line) => line.includes(`"from":"${name}"`) || line.startsWith(`λ ${name} `));
      expect(own.slice(0, 2)).toEqual([`{"from":"${name}","part":1}`, `{"from":"${name}","part":2}`]);
      expect(own[2]).toMatch(new RegExp(`^λ ${name} +http +GET /${name} → 200 \\(\\d+ ms\\)$`));
    }
    expect(outside).toEqual(['not in an invocation\n']);
  });

  it('given an invocation that throws, then its line says so and the error goes on to the caller', async () => {
    const log: string[] = [];
    const observer = createInvocationObserver({ log: (line) => log.push(line) });
    const failing = observer.invoke(declaration('deadlineRun'), context('r-2'), { 'detail-type': 'Scheduled Event', time: '2027-01-20T06:00:00Z' }, async () => {
      throw new RangeError('2 deadline item(s) failed');
    });

    await expect(failing).rejects.toThrow(RangeError);
    expect(log).toEqual([expect.stringMatching(/^λ deadlineRun +schedule +20\/01\/2027 07:00 → error RangeError: 2 deadline item\(s\) failed \(\d+ ms\)$/)]);
  });
});
