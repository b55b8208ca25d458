import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/platform/env.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { lambdaEnvOn } from './support.js';

/*
 * The daily run's handler, as its Lambda gets it: a run that stops short of the function's timeout
 * fails the invocation, so that Lambda's retry of the schedule goes on with the items left, and a
 * run with time to spare succeeds.
 */

let dynamo: LocalDynamo;
let handler: (event: ScheduledEvent, context: Context) => Promise<unknown>;
const contextWith = (remainingMs: number) => ({ awsRequestId: 'deadline-run', functionName: 'deadlineRun', getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;
const schedule = { id: 'schedule-1' } as ScheduledEvent;

beforeAll(async () => {
  dynamo = await startDynalite('deadline-run-handler');
  Object.assign(process.env, lambdaEnvOn(dynamo), { [ENV.MAIL_FROM]: 'ne-pas-repondre@tp-sessions.example' });
  ({ handler } = (await import('../../functions/deadlineRun/handler.js')) as unknown as { handler: typeof handler });
}, 60_000);

afterAll(() => dynamo.stop());

describe('the daily run’s handler', () => {
  it('fails the invocation when the run stopped short of the timeout, and succeeds with time to spare', async () => {
    await expect(handler(schedule, contextWith(30_000))).rejects.toThrow('The deadline run stopped before the function timeout; the items left stay due');
    await expect(handler(schedule, contextWith(600_000))).resolves.toMatchObject({ unfinished: false, failures: 0 });
  });
});
