/**
 * `npm run bench:store [-- --events N --per-stream K --concurrency C --rounds R --repeat N --reads M]`
 *
 * Appends and reads N events (10,000 by default) on dynalite started in this process, through our
 * DynamoDB event store (with and without idempotency keys) and, in the same run, through
 * @castore/core with @castore/event-storage-adapter-dynamodb; prints p50/p95 per operation, events
 * per second and the ours/castore ratios. Each system gets its own dynalite instance.
 *
 * Our store runs two ways: plain, and with an idempotency key per append (kept in the commit item:
 * no other write), to show what the guarantee costs.
 *
 * The work is one event per append (the common command), K events per stream, C streams written
 * or read at once. The streams are split into R rounds and the systems take turns within each
 * round, so that load from elsewhere on the machine falls on all of them alike; a warm-up runs
 * first. Each lane holds one store instance per stream, as a function that read the stream holds
 * its head. Our append also validates the event against its schema and hash-chains the commit;
 * castore's does neither, so the ratio is the price of those guarantees. The read is timed on a new
 * instance (a cold read of the whole stream), then again on the instance that wrote the stream,
 * which holds its commits and asks only for later ones (not compared: castore holds none). The history index is
 * written by the stream consumer, not by the append: it is filled afterwards, untimed, for the
 * history page figure. dynalite is far slower than DynamoDB: the figures compare the two stores on
 * one machine, they do not plan capacity.
 */
import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoEventStore } from '../shared/eventStore/dynamoEventStore.js';
import { HistoryIndexReader } from '../shared/eventStore/historyIndex.js';
import { HistoryIndexWriter } from '../shared/eventStore/historyIndexWriter.js';
import type { AppendOptions } from '../shared/eventStore/port.js';
import { startDynalite, type LocalDynamo } from '../test/support/dynalite.js';
import { createCastoreStore, createCastoreTable } from './support/castore.js';
import { Phase, formatPhase, formatRatio, type Timer } from './support/stats.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    'per-stream': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
    repeat: { type: 'string', default: '1' },
    reads: { type: 'string', default: '5' },
  },
});
const positive = (name: string, raw: string | undefined) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const total = positive('events', values.events);
const perStream = Math.min(total, positive('per-stream', values['per-stream']));
const concurrency = positive('concurrency', values.concurrency);
const streamCount = Math.ceil(total / perStream);
const rounds = Math.min(streamCount, positive('rounds', values.rounds));
const repeat = positive('repeat', values.repeat);
/**
 * Cold reads of each stream per system: one read per stream gave 30 reads a run, a window so short
 * that one run's read ratio moved from ×0.68 to ×0.97; each read is timed on its own.
 */
const readsPerStream = positive('reads', values.reads);
/**
 * Events of stream i: the last stream may be shorter so that exactly `total` events are measured;
 * streams past the last one are the warm-up's, 50 events each.
 */
const eventsOf = (i: number) => (i >= streamCount ? Math.min(perStream, 50) : Math.min(perStream, total - i * perStream));

const appendOptions = (idempotencyKey?: string): AppendOptions => ({
  idempotencyKey,
  actor: { role: 'centre', id: 'bench-user', scope: { centreId: 'ctr_bench-1' } },
  scope: { centreId: 'ctr_bench-1', department: '69', region: '84' },
  correlationId: 'bench',
  causationId: 'bench',
  occurredAt: new Date(),
});

interface System {
  readonly append: Phase;
  readonly read: Phase;
  /** Writes then reads the streams given, timing each operation when `measured`. */
  work(streams: readonly number[], measured: boolean): Promise<void>;
}

const untimed: Timer = (_events, operation) => operation();

type Variant = 'plain' | 'idempotent';

const ourSystem = (local: LocalDynamo, variant: Variant): System & { readonly warmRead: Phase; store: () => DynamoEventStore } => {
  const label = { plain: 'ours', idempotent: 'ours, idempotency key' }[variant];
  const idempotent = variant === 'idempotent';
  const store = () => new DynamoEventStore({ client: local.client, tables: local.tables });
  const append = new Phase(`${label}: append 1 event`);
  const read = new Phase(`${label}: read stream`);
  const warmRead = new Phase(`${label}: read it again, warm instance`);
  const streamId = (s: number) => `session-ses_b-${s}`;
  const writers = new Map<number, DynamoEventStore>();
  return {
    append,
    read,
    warmRead,
    store,
    async work(streams, measured) {
      const writeLane = async (s: number, time: Timer) => {
        const writer = store(); // one instance per stream, as separate requests would hold
        writers.set(s, writer);
        for (let v = 0; v < eventsOf(s); v += 1) {
          const event = { type: 'CandidateRegistered' as const, data: { candidateId: `cand_b-${s}-${v}` } };
          await time(1, () => writer.append(streamId(s), v, [event], appendOptions(idempotent ? `k-${s}-${v}` : undefined)));
        }
      };
      // A cold read: a new instance reads the whole stream (the ratio to castore is on this one).
      const readLane = async (s: number, time: Timer) => {
        for (let r = 0; r < readsPerStream; r += 1) {
          const got = await time(eventsOf(s), () => store().readStream(streamId(s)));
          if (got.events.length !== eventsOf(s)) throw new Error(`stream ${s}: read ${got.events.length} events`);
        }
      };
      // The next command in the instance that wrote the stream: it asks only for later commits.
      const warmReadLane = async (s: number, time: Timer) => {
        const got = await time(eventsOf(s), () => (writers.get(s) ?? store()).readStream(streamId(s)));
        if (got.events.length !== eventsOf(s)) throw new Error(`stream ${s}: read ${got.events.length} events again`);
      };
      if (measured) {
        await append.run(streams, concurrency, writeLane);
        await read.run(streams, concurrency, readLane);
        await warmRead.run(streams, concurrency, warmReadLane);
      } else {
        for (const s of streams) await writeLane(s, untimed);
        for (const s of streams) await readLane(s, untimed);
      }
    },
  };
};

const castoreSystem = async (client: DynamoDBClient): Promise<System> => {
  await createCastoreTable(client, 'castore-events');
  const store = createCastoreStore(client, 'castore-events');
  const append = new Phase('castore: push 1 event');
  const read = new Phase('castore: get events');
  const writeLane = async (s: number, time: Timer) => {
    for (let v = 1; v <= eventsOf(s); v += 1) {
      await time(1, () =>
        store.pushEvent({
          aggregateId: `ses_b-${s}`,
          version: v,
          type: 'CandidateRegistered',
          payload: { candidateId: `cand_b-${s}-${v}` },
          metadata: { actorId: 'bench-user', correlationId: 'bench' },
        }),
      );
    }
  };
  const readLane = async (s: number, time: Timer) => {
    for (let r = 0; r < readsPerStream; r += 1) {
      const { events } = await time(eventsOf(s), () => store.getEvents(`ses_b-${s}`));
      if (events.length !== eventsOf(s)) throw new Error(`aggregate ${s}: read ${events.length} events`);
    }
  };
  return {
    append,
    read,
    async work(streams, measured) {
      if (measured) {
        await append.run(streams, concurrency, writeLane);
        await read.run(streams, concurrency, readLane);
      } else {
        for (const s of streams) await writeLane(s, untimed);
        for (const s of streams) await readLane(s, untimed);
      }
    },
  };
};

/** One measured run, printed; its three ratios in events/s (ours / castore) are returned. */
const measureOnce = async (): Promise<readonly [number, number, number]> => {
  const instances = [await startDynalite('bench'), await startDynalite('bench-idem'), await startDynalite('bench-castore')] as const;
  const [plainDynamo, idempotentDynamo, castoreDynamo] = instances;
  const mine = ourSystem(plainDynamo, 'plain');
  const mineIdempotent = ourSystem(idempotentDynamo, 'idempotent');
  const castore = await castoreSystem(castoreDynamo.client);
  const systems = [mine, mineIdempotent, castore];

  // Warm-up (JIT, connections) on streams the measured work never touches.
  const warmUp = [streamCount, streamCount + 1];
  for (const system of systems) await system.work(warmUp, false);

  for (let round = 0; round < rounds; round += 1) {
    const streams = Array.from({ length: streamCount }, (_, i) => i).filter((i) => i % rounds === round);
    // Rotate who goes first, so no system always runs on the coolest machine.
    for (let k = 0; k < systems.length; k += 1) await systems[(round + k) % systems.length]?.work(streams, true);
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }

  // What the stream consumer does seconds after each commit, here at once and untimed.
  const writer = new HistoryIndexWriter({ client: plainDynamo.client, tables: plainDynamo.tables });
  for (let s = 0; s < streamCount; s += 1) await writer.indexEvents((await mine.store().readStream(`session-ses_b-${s}`)).events);
  const history = new Phase('ours: history page of 100 (centre)');
  const reader = new HistoryIndexReader({ client: plainDynamo.client, tables: plainDynamo.tables, cursorSecret: 'bench-cursor-secret-0123456789abcdef' });
  let cursor: string | undefined;
  await history.run([0], 1, async (_lane, time) => {
    do {
      const page = await time(0, () => reader.history({ by: { centreId: 'ctr_bench-1' }, limit: 100, cursor }));
      cursor = page.nextCursor;
    } while (cursor);
  });

  for (const instance of instances) await instance.stop();

  console.log('');
  for (const system of systems) {
    console.log(formatPhase(system.append.result()));
    console.log(formatPhase(system.read.result()));
  }
  // Through executeCommand every command reads its stream before appending, so the instance holds
  // the commits; the plain lane here appends on the head alone and holds none (a whole read again).
  console.log(formatPhase(mineIdempotent.warmRead.result()));
  const pages = history.result();
  console.log(`${pages.name.padEnd(46)} ${String(pages.operations).padStart(6)} ops  p50 ${pages.p50Ms.toFixed(2)} ms  p95 ${pages.p95Ms.toFixed(2)} ms`);
  console.log('');
  console.log('ours / castore (latency above 1: slower; events/s above 1: faster)');
  console.log(formatRatio('append', mine.append.result(), castore.append.result()));
  console.log(formatRatio('append with idempotency key', mineIdempotent.append.result(), castore.append.result()));
  console.log(formatRatio('read stream', mine.read.result(), castore.read.result()));
  const perSecond = (ours: Phase, theirs: Phase) => ours.result().eventsPerSecond / theirs.result().eventsPerSecond;
  return [perSecond(mine.append, castore.append), perSecond(mineIdempotent.append, castore.append), perSecond(mine.read, castore.read)] as const;
};

const main = async () => {
  console.log(
    `bench:store: ${total} events, ${streamCount} streams of up to ${perStream}, ${concurrency} streams at once, ${rounds} rounds, ${readsPerStream} cold reads a stream, ${repeat} run(s), Node ${process.version}`,
  );
  const runs: (readonly [number, number, number])[] = [];
  for (let run = 0; run < repeat; run += 1) {
    if (repeat > 1) console.log(`\n— run ${run + 1}/${repeat}`);
    runs.push(await measureOnce());
  }
  if (repeat === 1) return;
  // One run's ratio moves by tenths from one run to the next on a shared machine: the median of several is the figure to quote.
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const line = (label: string, index: 0 | 1 | 2) =>
    `${label.padEnd(46)} events/s ×${median(runs.map((r) => r[index])).toFixed(2)}  (runs: ${runs.map((r) => r[index].toFixed(2)).join(', ')})`;
  console.log(`\nmedian of ${repeat} runs, ours / castore`);
  console.log(line('append', 0));
  console.log(line('append with idempotency key', 1));
  console.log(line('read stream', 2));
};

await main();
