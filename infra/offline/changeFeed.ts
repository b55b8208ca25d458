import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as StreamAttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesFilterPattern, streamFilterPattern, type FilterPattern } from '../streamFilter.js';
import type { LoadedFunction } from './lambda.js';
import { appendJsonLine, readJson, writeJsonAtomic } from './files.js';

/**
 * The DynamoDB stream stand-in. dynalite has no streams, so the runtime reads the events table
 * itself and hands every new commit to the stream-triggered functions as a `DynamoDBStreamEvent`,
 * keeping the contracts of a Lambda event source mapping on a DynamoDB stream:
 *
 * - filtered by the pattern the CDK mapping carries (infra/streamFilter.ts), evaluated on each
 *   record: a commit whose `eventTypes` string set holds one of the declared types;
 * - batched by the declared batch size, in order within a stream (`pk`), at least once;
 * - `batchItemFailures` honoured: the records of a stream from its first failed record on are
 *   delivered again; after `maxAttempts` they go to the dead-letter file
 *   `<dataDir>/offline/dead-letters/<function>.jsonl` and the stream moves on;
 * - one checkpoint per function (the last acknowledged commit of each stream), persisted after each
 *   acknowledged batch in `<dataDir>/offline/checkpoints/<function>.json`: a restart resumes there,
 *   nothing acknowledged is delivered again and nothing unacknowledged is lost. A function declared
 *   later starts from the beginning of the table (TRIM_HORIZON, as the CDK mapping does).
 *
 * New commits are found by a catch-up Scan of the events table every `pollIntervalMs`, and at once
 * after every local invocation (a nudge), since commits are only ever written by functions. The
 * Scan stands in for the stream offline; it is not a hot path of the product.
 */
export interface ChangeFeedOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly consumers: readonly LoadedFunction[];
  readonly stateDir: string;
  readonly pollIntervalMs: number;
  readonly maxAttempts: number;
  readonly log: (line: string) => void;
  /** Called after each delivery, so the runtime can nudge the feed again. */
  readonly afterInvoke?: () => void;
}

/** Attribute of a commit that lists its event types (the CDK stack filters on it). */
const COMMIT_TYPES_ATTRIBUTE = 'eventTypes';

type Item = Record<string, AttributeValue>;

interface Entry {
  readonly pk: string;
  readonly sk: number;
  readonly item: Item;
  readonly types: readonly string[];
}

interface Checkpoint {
  /** Last acknowledged commit number, by stream. */
  readonly streams: Record<string, number>;
}

let warnedMissingTypes = false;

/** The event types of a commit item: its `eventTypes` set, or (older items) the types inside `events`. */
const commitTypes = (item: Item, log?: (line: string) => void): string[] => {
  const set = item[COMMIT_TYPES_ATTRIBUTE];
  if (set?.SS) return set.SS;
  if (set?.L) return set.L.flatMap((v) => (v.S ? [v.S] : []));
  const events = item.events?.S;
  if (!events) return [];
  if (!warnedMissingTypes && log) {
    warnedMissingTypes = true;
    log(`⚠ commits have no "${COMMIT_TYPES_ATTRIBUTE}" string set: the AWS stream filter drops them, and so does this one.`);
  }
  try {
    return (JSON.parse(events) as { type?: unknown }[]).flatMap((e) => (typeof e.type === 'string' ? [e.type] : []));
  } catch {
    return [];
  }
};

/** AWS sequence numbers are decimal strings, increasing within a shard; here unique per commit and stable across deliveries. */
const sequenceNumber = (pk: string, sk: number): string => {
  const hash = BigInt(`0x${createHash('sha256').update(pk).digest('hex').slice(0, 12)}`) % 10n ** 14n;
  return `${String(sk).padStart(12, '0')}${hash.toString().padStart(14, '0')}`;
};

/** SDK AttributeValue (binary as bytes) to the stream record's JSON shape (binary as base64). */
const toStreamImage = (item: Item): Record<string, StreamAttributeValue> => {
  const convert = (value: AttributeValue): StreamAttributeValue => {
    if (value.B) return { B: Buffer.from(value.B).toString('base64') };
    if (value.BS) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
    if (value.M) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, convert(v)])) };
    if (value.L) return { L: value.L.map(convert) };
    return value as StreamAttributeValue;
  };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, convert(v)]));
};

const streamArn = (tableName: string) => `arn:aws:dynamodb:eu-west-3:000000000000:table/${tableName}/stream/offline`;

export const toStreamRecord = (entry: Entry, tableName: string): DynamoDBRecord => ({
  eventID: createHash('sha256').update(`${entry.pk}#${entry.sk}`).digest('hex').slice(0, 32),
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'eu-west-3',
  dynamodb: {
    ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
    Keys: toStreamImage({ pk: entry.item.pk ?? { S: entry.pk }, sk: entry.item.sk ?? { N: String(entry.sk) } }),
    NewImage: toStreamImage(entry.item),
    SequenceNumber: sequenceNumber(entry.pk, entry.sk),
    SizeBytes: Buffer.byteLength(JSON.stringify(entry.item)),
    StreamViewType: 'NEW_IMAGE',
  },
  eventSourceARN: streamArn(tableName),
});

/** The function's answer: `batchItemFailures` identifiers, or every record when it threw. */
const failedSequenceNumbers = (result: unknown, records: readonly DynamoDBRecord[]): Set<string> => {
  const failures = (result as DynamoDBBatchResponse | undefined)?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  // An identifier that is not in the batch fails the whole batch, as Lambda does.
  const known = new Set(records.map((r) => r.dynamodb?.SequenceNumber));
  const ids = failures.map((f) => f.itemIdentifier);
  if (ids.some((id) => !known.has(id))) return new Set(records.map((r) => r.dynamodb?.SequenceNumber ?? ''));
  return new Set(ids);
};

class Consumer {
  private checkpoint: Checkpoint = { streams: {} };
  private readonly attempts = new Map<string, number>();
  private readonly filter: FilterPattern;
  private readonly batchSize: number;

  constructor(
    readonly fn: LoadedFunction,
    private readonly options: ChangeFeedOptions,
  ) {
    const trigger = fn.declaration.trigger;
    if (trigger.kind !== 'stream') throw new Error(`${fn.declaration.name} is not stream-triggered`);
    this.filter = streamFilterPattern(trigger.eventTypes);
    this.batchSize = trigger.batchSize ?? 10;
  }

  private get file() {
    return join(this.options.stateDir, 'checkpoints', `${this.fn.declaration.name}.json`);
  }

  private get deadLetterFile() {
    return join(this.options.stateDir, 'dead-letters', `${this.fn.declaration.name}.jsonl`);
  }

  async load(): Promise<void> {
    this.checkpoint = (await readJson<Checkpoint>(this.file)) ?? { streams: {} };
  }

  pending(entries: readonly Entry[]): Entry[] {
    return entries.filter((e) => e.sk > (this.checkpoint.streams[e.pk] ?? 0));
  }

  private matches(entry: Entry): boolean {
    return matchesFilterPattern(this.filter, toStreamRecord(entry, this.options.tableName));
  }

  /**
   * Delivers one batch from the pending entries. Returns whether it made progress (delivered or
   * skipped something) and whether a failure asks for a pause before retrying.
   */
  async deliverOnce(pending: readonly Entry[], isStopped: () => boolean): Promise<{ progressed: boolean; failed: boolean }> {
    if (pending.length === 0) return { progressed: false, failed: false };
    // Walk in order, taking filtered-out commits along (acknowledged without delivery) until the batch is full.
    const taken: Entry[] = [];
    let matched = 0;
    for (const entry of pending) {
      if (this.matches(entry)) {
        if (matched === this.batchSize) break;
        matched += 1;
      }
      taken.push(entry);
    }
    const delivered = taken.filter((e) => this.matches(e));
    const records = delivered.map((e) => toStreamRecord(e, this.options.tableName));
    let failed = new Set<string>();
    if (records.length > 0) {
      const event: DynamoDBStreamEvent = { Records: records };
      try {
        failed = failedSequenceNumbers(await this.fn.invoke(event), records);
      } catch (error) {
        this.options.log(`✗ ${this.fn.declaration.name}: ${(error as Error).message} (batch of ${records.length} will be delivered again)`);
        failed = new Set(records.map((r) => r.dynamodb?.SequenceNumber ?? ''));
      } finally {
        this.options.afterInvoke?.();
      }
    }
    // A stop without waiting (a crash) must not acknowledge what the function may not have finished.
    if (isStopped()) return { progressed: false, failed: true };
    const streams = new Map<string, Entry[]>();
    for (const entry of taken) streams.set(entry.pk, [...(streams.get(entry.pk) ?? []), entry]);
    const next = { ...this.checkpoint.streams };
    let anyFailure = false;
    for (const [pk, entries] of streams) {
      const firstFailed = entries.findIndex((e) => this.matches(e) && failed.has(sequenceNumber(e.pk, e.sk)));
      if (firstFailed < 0) {
        next[pk] = entries.at(-1)?.sk ?? next[pk] ?? 0;
        continue;
      }
      const failedEntry = entries[firstFailed] as Entry;
      const key = `${pk}#${failedEntry.sk}`;
      const attempts = (this.attempts.get(key) ?? 0) + 1;
      if (attempts >= this.options.maxAttempts) {
        const rest = entries.slice(firstFailed).filter((e) => this.matches(e));
        const records = rest.map((e) => toStreamRecord(e, this.options.tableName));
        const arrival = (entry: Entry | undefined) => entry?.item.recordedAt?.S ?? new Date().toISOString();
        await appendJsonLine(this.deadLetterFile, {
          function: this.fn.declaration.name,
          failedAt: new Date().toISOString(),
          attempts,
          // What Lambda puts on the mapping's on-failure queue (no records there), so that
          // `npm run replay-stream-dlq -- --offline` reads these lines as it reads the AWS messages.
          requestContext: { functionArn: `arn:aws:lambda:eu-west-3:000000000000:function:local-tp-${this.fn.declaration.name}`, condition: 'RetryAttemptsExhausted' },
          DDBStreamBatchInfo: {
            shardId: 'shardId-offline',
            startSequenceNumber: records[0]?.dynamodb?.SequenceNumber ?? '',
            endSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber ?? '',
            approximateArrivalOfFirstRecord: arrival(rest[0]),
            approximateArrivalOfLastRecord: arrival(rest.at(-1)),
            batchSize: records.length,
            streamArn: streamArn(this.options.tableName),
          },
          records,
        });
        this.options.log(`✗ ${this.fn.declaration.name}: ${rest.length} record(s) of ${pk} failed ${attempts} times, written to ${this.deadLetterFile}`);
        this.attempts.delete(key);
        next[pk] = entries.at(-1)?.sk ?? next[pk] ?? 0;
        continue;
      }
      this.attempts.set(key, attempts);
      anyFailure = true;
      const acknowledged = entries.slice(0, firstFailed).at(-1);
      if (acknowledged) next[pk] = acknowledged.sk;
    }
    this.checkpoint = { streams: next };
    await writeJsonAtomic(this.file, this.checkpoint);
    const progressed = taken.some((e) => (next[e.pk] ?? 0) >= e.sk);
    return { progressed, failed: anyFailure };
  }
}

export class ChangeFeed {
  private readonly consumers: Consumer[];
  private timer: NodeJS.Timeout | undefined;
  /** Passes run one at a time: this is the tail of the queue. */
  private tail: Promise<unknown> = Promise.resolve();
  private queued = false;
  /** No new batch once stopping; a crash also forbids acknowledging the batch in flight. */
  private stopping = false;
  private crashed = false;
  /** Pause after a failed batch, before it is delivered again (per consumer). */
  private readonly retryAfter = new Map<string, number>();

  constructor(private readonly options: ChangeFeedOptions) {
    this.consumers = options.consumers.map((fn) => new Consumer(fn, options));
  }

  async start(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.load()));
    if (this.consumers.length === 0) return;
    this.timer = setInterval(() => this.nudge(), this.options.pollIntervalMs);
    this.timer.unref();
    this.nudge();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Asks for a pass soon; passes never overlap and at most one waits behind the running one. */
  nudge(): void {
    if (this.stopping || this.consumers.length === 0 || this.queued) return;
    this.queued = true;
    void this.exclusive(async () => {
      this.queued = false;
      try {
        await this.pass(false);
      } catch (error) {
        if (!this.stopping) this.options.log(`✗ change feed: ${(error as Error).message}`);
      }
    });
  }

  private async scan(): Promise<Entry[]> {
    const entries: Entry[] = [];
    let start: Item | undefined;
    do {
      const page = await this.options.client.send(new ScanCommand({ TableName: this.options.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S;
        const sk = Number(item.sk?.N);
        if (pk === undefined || !Number.isInteger(sk)) continue;
        entries.push({ pk, sk, item, types: commitTypes(item, this.options.log) });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    // In order within each stream; streams interleaved by the time of their commits when known.
    const recordedAt = (e: Entry) => e.item.recordedAt?.S ?? '';
    return entries.sort((a, b) => (a.pk === b.pk ? a.sk - b.sk : recordedAt(a).localeCompare(recordedAt(b)) || a.pk.localeCompare(b.pk)));
  }

  /**
   * One pass: scan, then each consumer delivers batches until it has nothing left or a batch
   * failed. Says whether anything was delivered and whether anything is still pending.
   */
  private async pass(ignorePause: boolean): Promise<{ progressed: boolean; pendingLeft: boolean }> {
    if (this.stopping) return { progressed: false, pendingLeft: false };
    const entries = await this.scan();
    let pendingLeft = false;
    let anyProgress = false;
    await Promise.all(
      this.consumers.map(async (consumer) => {
        const name = consumer.fn.declaration.name;
        if (!ignorePause && (this.retryAfter.get(name) ?? 0) > Date.now()) {
          pendingLeft ||= consumer.pending(entries).length > 0;
          return;
        }
        for (;;) {
          if (this.stopping) return;
          const pending = consumer.pending(entries);
          const { progressed, failed } = await consumer.deliverOnce(pending, () => this.crashed);
          anyProgress ||= progressed;
          if (failed) {
            this.retryAfter.set(name, Date.now() + this.options.pollIntervalMs);
            pendingLeft = true;
            return;
          }
          if (!progressed) return;
        }
      }),
    );
    return { progressed: anyProgress, pendingLeft };
  }

  /**
   * Delivers everything pending now, retries included (up to the dead-letter file), and the
   * commits those deliveries produce: passes until one finds nothing to deliver.
   */
  async drain(maxPasses = 200): Promise<void> {
    for (let i = 0; i < maxPasses && !this.stopping; i += 1) {
      const { progressed, pendingLeft } = await this.exclusive(() => this.pass(true));
      if (!progressed && !pendingLeft) return;
    }
  }

  /** Stops polling and lets the batch in flight finish and be acknowledged. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping = true;
    if (!this.crashed) await this.tail;
  }

  /** Stands for a crash: the batch in flight is never acknowledged, so a restart delivers it again. */
  crash(): void {
    if (this.timer) clearInterval(this.timer);
    this.stopping = true;
    this.crashed = true;
  }
}
