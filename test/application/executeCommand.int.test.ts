import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { executeCommand } from '../../shared/application/executeCommand.js';
import type { Decider } from '../../shared/domain/decider.js';
import { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { ConcurrencyError } from '../../shared/eventStore/errors.js';
import { AppError } from '../../shared/errors.js';
import type { EventStore, ReadOptions, StreamRead } from '../../shared/eventStore/port.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { decisionContext, lyon, options, registered, rosterDecider, type RosterCommand, type RosterState } from '../eventStore/fixtures.js';

let local: LocalDynamo;
beforeAll(async () => {
  local = await startDynalite('runner');
});
afterAll(async () => {
  await local.stop();
});

const newStore = () => new DynamoEventStore({ client: local.client, tables: local.tables });
let counter = 0;
const newStream = () => `session-ses_run-${(counter += 1)}`;

/** A store where another writer slips a commit in right after each of the first `times` reads. */
const interleaved = (store: EventStore, streamId: string, times: number): EventStore & { reads: number } => {
  const rival = newStore();
  const wrapper = {
    reads: 0,
    append: store.append.bind(store),
    readStream: async (id: string, readOptions?: ReadOptions) => {
      const read = await store.readStream(id, readOptions);
      wrapper.reads += 1;
      if (wrapper.reads <= times) await rival.append(streamId, read.version, [registered(`rival-${wrapper.reads}`)], options());
      return read;
    },
  };
  return wrapper;
};

/** The roster decider, counting its decisions. */
const counting = () => {
  const calls = { decide: 0 };
  const decider: Decider<RosterCommand, RosterState> = {
    ...rosterDecider,
    decide: (command, state, context) => {
      calls.decide += 1;
      return rosterDecider.decide(command, state, context);
    },
  };
  return { calls, decider };
};

const run = (
  store: EventStore,
  streamId: string,
  candidateId: string,
  extra: {
    idempotencyKey?: string;
    requestHash?: string;
    maxAttempts?: number;
    decider?: Decider<RosterCommand, RosterState, DomainEvent>;
    build?: () => void;
    firstRead?: StreamRead;
  } = {},
) =>
  executeCommand({
    store,
    streamId,
    decider: extra.decider ?? rosterDecider,
    command: (): RosterCommand => {
      extra.build?.();
      return { kind: 'register', candidateId };
    },
    context: decisionContext(),
    scope: lyon,
    correlationId: 'corr-run',
    causationId: 'cause-run',
    idempotencyKey: extra.idempotencyKey,
    requestHash: extra.requestHash,
    maxAttempts: extra.maxAttempts,
    firstRead: extra.firstRead,
  });

describe('executeCommand', () => {
  it('decides against the folded stream, appends at the version read and returns the new state', async () => {
    const stream = newStream();
    await run(newStore(), stream, 'cand_a');
    const result = await run(newStore(), stream, 'cand_b');
    expect(result).toMatchObject({ version: 2, replayed: false, state: { candidates: ['cand_a', 'cand_b'] } });
    expect(result.events.map((e) => e.type)).toEqual(['CandidateRegistered']);
    expect(result.events[0]).toMatchObject({ version: 2, actor: decisionContext().actor, correlationId: 'corr-run', scope: lyon });
  });

  it('lets a refusal of the domain through and records nothing', async () => {
    const stream = newStream();
    await run(newStore(), stream, 'cand_a');
    await expect(run(newStore(), stream, 'cand_a')).rejects.toMatchObject({ code: 'roster.already-registered' });
    expect((await newStore().readStream(stream)).version).toBe(1);
  });

  it('re-reads and decides again when another command lands in between', async () => {
    // Given a rival commit slipping in after our first read
    const stream = newStream();
    const store = interleaved(newStore(), stream, 1);
    const { calls, decider } = counting();
    // When registering
    const result = await run(store, stream, 'cand_mine', { decider });
    // Then the second attempt, against the rival's commit, lands after it
    expect(calls.decide).toBe(2);
    expect(store.reads).toBe(2);
    expect(result.version).toBe(2);
    expect(result.state.candidates).toEqual(['cand_c-rival-1', 'cand_mine']);
  });

  it('gives up with the 409 once its attempts are spent', async () => {
    const stream = newStream();
    const store = interleaved(newStore(), stream, 10);
    const error = await run(store, stream, 'cand_mine', { maxAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(store.reads).toBe(3);
    expect((await newStore().readStream(stream)).events.map((e) => e.data)).not.toContainEqual({ candidateId: 'cand_mine' });
  });

  it('answers a retried command with its first answer without deciding again, dropping what building the command (started alongside the read) gave, a refusal included', async () => {
    const stream = newStream();
    const first = await run(newStore(), stream, 'cand_once', { idempotencyKey: 'req-1' });
    await run(newStore(), stream, 'cand_later');
    const { calls, decider } = counting();
    let builds = 0;
    const refusingBuild = () => {
      builds += 1;
      throw new AppError('roster.closed', 'rule', 'Inscriptions closes.');
    };
    // Deciding again would refuse (already registered), so would building: the replay does neither count.
    const again = await run(newStore(), stream, 'cand_once', { idempotencyKey: 'req-1', decider, build: refusingBuild });
    expect(calls.decide).toBe(0);
    expect(builds).toBe(1);
    expect(again).toEqual({ ...first, replayed: true });
    expect((await newStore().readStream(stream)).version).toBe(2);
  });

  it('decides with the read its caller made (a session command’s scope check) without reading again, and answers a retry from it', async () => {
    const stream = newStream();
    const store = interleaved(newStore(), stream, 0);
    const firstRead = await newStore().readStream(stream);
    const result = await run(store, stream, 'cand_given', { idempotencyKey: 'req-given', requestHash: 'h1', firstRead });
    expect([result.version, store.reads]).toEqual([1, 0]);
    // The retry, read before its hash was known: its first answer comes from that read.
    const again = await run(store, stream, 'cand_given', { idempotencyKey: 'req-given', requestHash: 'h1', firstRead: await newStore().readStream(stream) });
    expect([again.replayed, again.version, store.reads]).toEqual([true, 1, 0]);
    // The same key for another request is refused from that read too.
    const reused = run(store, stream, 'cand_other', { idempotencyKey: 'req-given', requestHash: 'h2', firstRead: await newStore().readStream(stream) });
    await expect(reused).rejects.toMatchObject({ category: 'rule' });
  });

  it('reads again when the read its caller made has gone stale', async () => {
    const stream = newStream();
    const firstRead = await newStore().readStream(stream);
    await run(newStore(), stream, 'cand_rival');
    const store = interleaved(newStore(), stream, 0);
    const result = await run(store, stream, 'cand_late', { idempotencyKey: 'req-late', firstRead });
    expect([result.version, store.reads]).toEqual([2, 1]);
    expect(result.state.candidates).toEqual(['cand_rival', 'cand_late']);
  });

  it('builds the command while the stream is being read: what building reads takes no round trip of its own', async () => {
    const stream = newStream();
    const inner = newStore();
    let reading = 0;
    let builtWhileReading: boolean | undefined;
    const store: EventStore = {
      append: (...args) => inner.append(...args),
      readStream: async (...args) => {
        reading += 1;
        try {
          return await inner.readStream(...args);
        } finally {
          reading -= 1;
        }
      },
    };
    const result = await run(store, stream, 'cand_alongside', { idempotencyKey: 'req-alongside', build: () => (builtWhileReading = reading > 0) });
    expect(builtWhileReading).toBe(true);
    expect(result.version).toBe(1);
  });

  it('builds the command again, given the state it is then decided against, when it decides again after a conflict (what building read may no longer cover it)', async () => {
    const stream = newStream();
    const given: (RosterState | undefined)[] = [];
    const result = await executeCommand({
      store: interleaved(newStore(), stream, 1),
      streamId: stream,
      decider: rosterDecider,
      command: (state?: RosterState): RosterCommand => {
        given.push(state);
        return { kind: 'register', candidateId: 'cand_built-again' };
      },
      context: decisionContext(),
      scope: lyon,
      correlationId: 'corr-run',
      causationId: 'cause-run',
      idempotencyKey: 'req-build',
    });
    expect(result.version).toBe(2);
    // First alongside the read (no state yet), then from the state with the rival's commit.
    expect(given).toEqual([undefined, { candidates: ['cand_c-rival-1'] }]);
  });

  it('refuses the key reused for another request before deciding, whatever building the command gave, and records nothing', async () => {
    const stream = newStream();
    await run(newStore(), stream, 'cand_first', { idempotencyKey: 'req-reused', requestHash: 'a' });
    const { calls, decider } = counting();
    await expect(run(newStore(), stream, 'cand_other', { idempotencyKey: 'req-reused', requestHash: 'b', decider })).rejects.toMatchObject({
      code: 'idempotency.key-reused',
    });
    expect(calls.decide).toBe(0);
    expect((await newStore().readStream(stream)).version).toBe(1);
  });

  it('records one commit when the same request runs twice at once', async () => {
    const stream = newStream();
    const [a, b] = await Promise.all([run(newStore(), stream, 'cand_twin', { idempotencyKey: 'req-twin' }), run(newStore(), stream, 'cand_twin', { idempotencyKey: 'req-twin' })]);
    expect(a.events).toEqual(b.events);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect((await newStore().readStream(stream)).version).toBe(1);
  });
});
