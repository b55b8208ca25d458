import type { DomainEvent, EventScope, StoredEvent } from '../../events/index.js';
import type { DecisionContext, Decider } from '../domain/decider.js';
import { agrementDecider, agrementStreamId } from '../domain/agrement.js';
import { jurorDecider, jurorStreamId } from '../domain/juror.js';
import { titreDecider, titreStreamId } from '../domain/titreRegister.js';
import { programmeDecider, programmeStreamId } from '../domain/programme.js';
import { sessionDecider, sessionDocumentDecider, sessionStreamId } from '../domain/session.js';
import { isAppError } from '../errors.js';
import { isConcurrencyError } from '../eventStore/errors.js';
import type { EventStore, StreamRead } from '../eventStore/port.js';
import { countCommand } from '../platform/observability.js';

/** A session's stream with the decider of its PV file's commands only (the PV intake). */
export const sessionDocumentStream = (sessionId: string) => ({ streamId: sessionStreamId(sessionId), decider: sessionDocumentDecider });

/**
 * Each aggregate's stream: its id and its decider. A function that runs only the PV file's two
 * commands (the PV intake) imports {@link sessionDocumentStream}: this object would bring every
 * decider with it.
 */
export const streams = {
  session: (sessionId: string) => ({ streamId: sessionStreamId(sessionId), decider: sessionDecider }),
  juror: (jurorId: string) => ({ streamId: jurorStreamId(jurorId), decider: jurorDecider }),
  programme: (centreId: string, year: number) => ({ streamId: programmeStreamId(centreId, year), decider: programmeDecider }),
  agrement: (centreId: string) => ({ streamId: agrementStreamId(centreId), decider: agrementDecider }),
  titre: (code: string) => ({ streamId: titreStreamId(code), decider: titreDecider }),
};

export interface ExecuteCommandInput<TCommand, TState, TEvent extends DomainEvent> {
  readonly store: EventStore;
  readonly streamId: string;
  readonly decider: Decider<TCommand, TState, TEvent>;
  /**
   * The command, or how to build it when building it reads something (an agrément's stream, a
   * juror's habilitations): built once, starting alongside the stream's first read so that both
   * reads take one round trip; when the stream holds a first answer to the key, what it built is
   * dropped (a refusal it threw included) and the first answer goes back. When another command
   * lands in between and the command is decided again, it is built again, given the stream's new
   * state: what it read (the jury's habilitations, say) may no longer cover that state.
   */
  readonly command: TCommand | ((state?: TState) => TCommand | Promise<TCommand>);
  /**
   * What must be stored before the events that refer to it (the names whose ids they carry): run
   * once the command is decided and accepted, just before its commit, once even when the commit
   * is retried. A refused command, a replayed one or one that decides nothing runs none of it, so
   * a refusal writes nothing.
   */
  readonly beforeCommit?: (() => Promise<void>) | undefined;
  readonly context: DecisionContext;
  /** What the events concern; a function when it depends on the stream's state (e.g. its centre). */
  readonly scope: EventScope | ((state: TState) => EventScope);
  readonly correlationId: string;
  /** The id of what caused this command (the request id, or the event a reaction answers). */
  readonly causationId: string;
  /** With a key, a retried command returns the first answer without deciding again. */
  readonly idempotencyKey?: string | undefined;
  /** A hash of what was asked under the key: the key reused for another request is refused (422). */
  readonly requestHash?: string | undefined;
  /** Attempts against a stream that keeps moving before the 409 goes out; 3 by default. */
  readonly maxAttempts?: number;
  /**
   * The stream as the caller already read it (a session command's scope check): the first attempt
   * decides with it instead of reading again. It must come with `replayFor` when a key is given.
   */
  readonly firstRead?: StreamRead | undefined;
}

export interface ExecuteCommandResult<TState> {
  /** The events this command recorded (the first answer's, when replayed); empty when it decided nothing. */
  readonly events: readonly StoredEvent[];
  /** The state after them. */
  readonly state: TState;
  /** The stream's version after them. */
  readonly version: number;
  readonly replayed: boolean;
}

/**
 * The use-case runner every command handler calls: read the stream, fold `evolve`, `decide`, append
 * at the version read. When another command lands in between (ConcurrencyError), it reads and
 * decides again against the new state, a bounded number of times, then lets the 409 go out. A
 * command the domain refuses throws its error unchanged and records nothing.
 *
 * With an idempotency key, the stream read tells whether a commit already holds the key (the store
 * keeps it in the commit): then that first answer is returned, without deciding again (what
 * building the command gave, started alongside the read, is dropped; when the caller's own read
 * holds the answer, nothing is built). Two round trips for a new
 * command: the read and the conditional put (three with what must be stored before it,
 * `beforeCommit`); the read may be the caller's own (`firstRead`), and what building the command
 * reads goes alongside it.
 */
export const executeCommand = async <TCommand, TState, TEvent extends DomainEvent>(input: ExecuteCommandInput<TCommand, TState, TEvent>): Promise<ExecuteCommandResult<TState>> => {
  const { store, streamId, decider, idempotencyKey, requestHash } = input;
  const maxAttempts = input.maxAttempts ?? 3;
  let prepared = false;
  // A retry whose first answer the caller's own read already holds returns it before building
  // anything: what building reads (other streams) would be dropped anyway.
  const usable = idempotencyKey === undefined || input.firstRead?.replayFor ? input.firstRead : undefined;
  const answered = usable && idempotencyKey !== undefined ? usable.replayFor?.(idempotencyKey, requestHash) : undefined;
  if (usable && answered) return replay(decider, usable.events, answered.version, answered.events);
  // Started now, awaited only if the read finds no first answer: a rejection is handled meanwhile.
  const build = typeof input.command === 'function' ? (input.command as (state?: TState) => TCommand | Promise<TCommand>) : undefined;
  const building = build ? Promise.resolve().then(() => build()) : undefined;
  building?.catch(() => undefined);

  for (let attempt = 1; ; attempt += 1) {
    // The caller's read, on the first attempt: its first answer was looked for above.
    const given = attempt === 1 ? usable : undefined;
    const read = given ?? (await store.readStream(streamId, { idempotencyKey, requestHash }));
    const first = given ? undefined : read.replay;
    if (first) return replay(decider, read.events, first.version, first.events);
    const state = fold(decider, read.events);
    // Built alongside the first read; after a conflict, again from the state it is decided against.
    const command = !build ? (input.command as TCommand) : attempt === 1 && building ? await building : await build(state);
    const decided = decide(input, command, state);
    if (decided.length === 0) {
      countCommand(commandTypeOf(command), 'accepted');
      return { events: [], state, version: read.version, replayed: false };
    }
    if (input.beforeCommit && !prepared) {
      await input.beforeCommit();
      prepared = true;
    }
    try {
      const result = await store.append(streamId, read.version, decided, {
        idempotencyKey,
        requestHash,
        actor: input.context.actor,
        scope: typeof input.scope === 'function' ? input.scope(state) : input.scope,
        correlationId: input.correlationId,
        causationId: input.causationId,
        occurredAt: input.context.now,
      });
      // A concurrent twin with the same key may have landed first: its answer, and the state after it.
      if (result.replayed) return replay(decider, (await store.readStream(streamId)).events, result.version, result.events);
      countCommand(commandTypeOf(command), 'accepted');
      return { events: result.events, state: fold(decider, result.events, state), version: result.version, replayed: false };
    } catch (error) {
      if (!isConcurrencyError(error) || attempt >= maxAttempts) throw error;
    }
  }
};

const commandTypeOf = (command: unknown): string => {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'unknown';
};

/** The decider's answer; a refusal (a domain error) is counted by command type before it goes out. */
const decide = <TCommand, TState, TEvent extends DomainEvent>(input: ExecuteCommandInput<TCommand, TState, TEvent>, command: TCommand, state: TState): readonly TEvent[] => {
  try {
    return input.decider.decide(command, state, input.context);
  } catch (error) {
    if (isAppError(error)) countCommand(commandTypeOf(command), 'refused');
    throw error;
  }
};

const fold = <TState, TEvent extends DomainEvent>(decider: Decider<unknown, TState, TEvent>, events: readonly StoredEvent[], from = decider.initialState) =>
  // The stream holds the decider's own event types: a decider is given only its stream.
  events.reduce((state, event) => decider.evolve(state, event as unknown as TEvent), from);

/** The first answer, with the state as it was right after it. */
const replay = <TState, TEvent extends DomainEvent>(
  decider: Decider<unknown, TState, TEvent>,
  history: readonly StoredEvent[],
  version: number,
  events: readonly StoredEvent[],
): ExecuteCommandResult<TState> => ({
  events,
  state: fold(
    decider,
    history.filter((event) => event.version <= version),
  ),
  version,
  replayed: true,
});
