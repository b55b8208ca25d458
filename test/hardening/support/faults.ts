import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';

/**
 * Fault injection into every AWS SDK client of this process (the offline runtime runs the
 * functions in-process): a middleware added to each client at its first call throws, at the given
 * rate, the error the service would give — DynamoDB throttling, S3 internal errors, SES outage.
 * It sits inside the SDK's retry loop, so the SDK's own retries see the faults as they would.
 */
export type FaultTarget = 'dynamodb' | 's3' | 'ses';

const faultRates: Record<FaultTarget, number> = { dynamodb: 0, s3: 0, ses: 0 };
export const injected: Record<FaultTarget, number> = { dynamodb: 0, s3: 0, ses: 0 };
/** The next calls that fail whatever the rate: a burst, so that a target called rarely is still hit. */
const burst: Record<FaultTarget, number> = { dynamodb: 0, s3: 0, ses: 0 };

const serviceError = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 } });

const errors: Record<FaultTarget, () => Error> = {
  dynamodb: () => serviceError('ProvisionedThroughputExceededException', 400, 'The level of configured provisioned throughput for the table was exceeded.'),
  s3: () => serviceError('InternalError', 500, 'We encountered an internal error. Please try again.'),
  ses: () => serviceError('ServiceUnavailable', 503, 'Service is unavailable.'),
};

/** A seeded generator, so a failing run can be replayed. */
let state = 42;
const random = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
};

let installed = false;

export const installFaults = (seed = 42): void => {
  state = seed;
  if (installed) return;
  installed = true;
  const targets: [FaultTarget, { prototype: { send: (...args: never[]) => unknown; middlewareStack?: unknown } }][] = [
    ['dynamodb', DynamoDBClient],
    ['s3', S3Client],
    ['ses', SESv2Client],
  ];
  const instrumented = new WeakSet<object>();
  for (const [target, ClientClass] of targets) {
    const original = ClientClass.prototype.send;
    ClientClass.prototype.send = function (this: { middlewareStack: { add: (mw: unknown, options: unknown) => void } }, ...args: never[]) {
      if (!instrumented.has(this)) {
        instrumented.add(this);
        this.middlewareStack.add(
          (next: (args: unknown) => Promise<unknown>) => async (input: unknown) => {
            const inBurst = burst[target] > 0;
            if (inBurst) burst[target] -= 1;
            if (inBurst || (faultRates[target] > 0 && random() < faultRates[target])) {
              injected[target] += 1;
              throw errors[target]();
            }
            return next(input);
          },
          { step: 'deserialize', name: `faultInjection-${target}` },
        );
      }
      return original.apply(this, args);
    } as never;
  }
};

export const setFaults = (rates: Partial<Record<FaultTarget, number>>, bursts: Partial<Record<FaultTarget, number>> = {}): void => {
  Object.assign(faultRates, { dynamodb: 0, s3: 0, ses: 0 }, rates);
  Object.assign(burst, { dynamodb: 0, s3: 0, ses: 0 }, bursts);
};
