import { join } from 'node:path';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { appendJsonLine } from './files.js';
import type { BucketName } from '../../shared/platform/declarations.js';
import type { LoadedFunction } from './lambda.js';

/**
 * S3 event notifications: s3rver emits an event for every object written, in any bucket; the
 * runtime hands the `ObjectCreated:*` ones of a function's declared bucket under its declared
 * prefix to that function, as the bucket's notification configuration does in AWS (asynchronous
 * invocation, two retries, then the dead-letter file `<stateDir>/dead-letters/<function>.jsonl`).
 * Keys are URL-encoded in the record, as in AWS.
 */
export interface S3NotifierOptions {
  readonly functions: readonly LoadedFunction[];
  /** The emulator's name of each bucket a trigger may name. */
  readonly bucketNames: Readonly<Record<BucketName, string>>;
  readonly stateDir: string;
  readonly retries: number;
  readonly log: (line: string) => void;
  readonly afterInvoke: () => void;
}

const encodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/** s3rver's record, adjusted to what S3 sends (region, bucket ARN, encoded key). */
const toS3Record = (raw: S3EventRecord): S3EventRecord => ({
  ...raw,
  awsRegion: 'eu-west-3',
  s3: {
    ...raw.s3,
    bucket: { ...raw.s3.bucket, arn: `arn:aws:s3:::${raw.s3.bucket.name}` },
    object: { ...raw.s3.object, key: encodeKey(raw.s3.object.key) },
  },
});

export class S3Notifier {
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly options: S3NotifierOptions) {}

  /** Receives s3rver's `event`; returns at once, delivery is asynchronous as in AWS. */
  receive(event: S3Event): void {
    if (this.stopping) return;
    for (const raw of event.Records) {
      if (!raw.eventName.startsWith('ObjectCreated:')) continue;
      for (const fn of this.options.functions) {
        const trigger = fn.declaration.trigger;
        if (trigger.kind !== 's3' || raw.s3.bucket.name !== this.options.bucketNames[trigger.bucket] || !raw.s3.object.key.startsWith(trigger.prefix)) continue;
        const delivery = this.deliver(fn, { Records: [toS3Record(raw)] }).finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
  }

  private async deliver(fn: LoadedFunction, event: S3Event): Promise<void> {
    for (let attempt = 1; attempt <= 1 + this.options.retries; attempt += 1) {
      try {
        await fn.invoke(event);
        return;
      } catch (error) {
        this.options.log(`✗ ${fn.declaration.name} (S3 ${event.Records[0]?.s3.object.key}), attempt ${attempt}: ${(error as Error).message}`);
      } finally {
        this.options.afterInvoke();
      }
    }
    await appendJsonLine(join(this.options.stateDir, 'dead-letters', `${fn.declaration.name}.jsonl`), { function: fn.declaration.name, failedAt: new Date().toISOString(), event });
  }

  /** Waits for the deliveries in flight. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.settle();
  }
}
