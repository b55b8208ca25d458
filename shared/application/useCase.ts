import { randomBytes } from 'node:crypto';
import type { DomainEvent, EventScope, StoredEvent } from '../../events/index.js';
import type { Principal } from '../auth/principal.js';
import type { DecisionContext, Decider, DomainSettings } from '../domain/decider.js';
import type { Titre, TitreCatalogue } from '../domain/titres.js';
import type { Directory } from '../directory/directory.js';
import type { EventStore, StreamRead } from '../eventStore/port.js';
import { idFromKey } from '../http/idempotency.js';
import type { PersonalDataStore } from '../personalData/store.js';
import type { Clock } from '../platform/clock.js';
import type { SessionView, ViewsReader } from '../views/index.js';
import { executeCommand, type ExecuteCommandResult } from './executeCommand.js';
import { newId } from '../platform/ids.js';

/**
 * What every use case is given (the ports of the application) and asked (one call), and the one
 * shape in which a use case runs a command: `runCommand(deps, call, streams.session(id), command, scope)`.
 */

/** Where the signed PV goes: a presigned PUT bound to the file's SHA-256, type and size. */
export interface PvUploadPort {
  presign(request: { sessionId: string; centreId: string; sha256Hex: string; sizeBytes: number }): Promise<{ url: string; headers: Record<string, string>; objectKey: string }>;
}

export interface AppDeps {
  readonly store: EventStore;
  readonly views: ViewsReader;
  readonly personalData: PersonalDataStore;
  readonly pvUploads: PvUploadPort;
  readonly clock: Clock;
  readonly settings: DomainSettings;
  /** The titres recorded (shared/application/titres.ts): the catalogue the deciders and pages read for this request. */
  readonly titres: TitreCatalogue;
  /** Called with the titres just recorded, so that the next decisions read them before the views do. */
  readonly titresRecorded?: (titres: readonly Titre[]) => void;
  /** The units: which departments make up a region (the regional admin's department filter). */
  readonly directory: Directory;
}

/** One request to a use case, whatever the edge (JSON API or form post) that received it. */
export interface Call<TInput = unknown, TParams = unknown> {
  readonly principal: Principal;
  /** The path's parameters, typed from the route's path (shared/http/operations.ts). */
  readonly params: TParams;
  /** The validated input. */
  readonly input: TInput;
  /** Scoped to the user and the operation (shared/http/idempotency.ts). */
  readonly idempotencyKey?: string | undefined;
  /** A hash of the request, recorded with the key: the key reused for other data is refused. */
  readonly requestHash?: string | undefined;
  readonly correlationId: string;
  /** The session the path names, loaded once for the scope check. */
  readonly session?: SessionView | undefined;
  /** The stream the scope check read (session commands): the command decides with that read. */
  readonly prefetched?: { readonly streamId: string; readonly read: StreamRead } | undefined;
}

/** A call on a session the edge has loaded and checked. */
export type SessionCall<TInput = unknown, TParams = { readonly sessionId: string }> = Call<TInput, TParams> & { readonly session: SessionView };

export interface Result {
  readonly status: 200 | 201;
  readonly body: Record<string, unknown>;
  /** The first answer to this idempotency key, given again: nothing was written. */
  readonly replayed?: boolean;
}

/**
 * A new id that the retry of the same request derives again (shared/http/idempotency.ts), so it
 * creates nothing twice. The path's parameters are part of it: the same key sent to two sessions
 * is two requests (each lands on its own stream), and must not give both the same candidate.
 * A route without parameters derives as it always did, so a retry across a deployment finds its stream.
 */
export const newIdFor = (call: Call, prefix: string, salt: string): string => {
  if (call.idempotencyKey === undefined) return newId(prefix);
  const params = Object.entries((call.params ?? {}) as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return idFromKey(prefix, call.idempotencyKey, params.length === 0 ? salt : `${salt}\n${JSON.stringify(params)}`);
};

/** What a decider is given for this user now: the clock, the actor, new ids and seeds, the settings and titres. */
export const contextOf = (deps: AppDeps, principal: Principal): DecisionContext => ({
  now: deps.clock.now(),
  actor: principal.actor,
  newId,
  newSeed: () => randomBytes(16).toString('hex'),
  settings: deps.settings,
  titres: deps.titres,
});

/**
 * The one way a use case runs a command: on that stream, decided as the signed-in user at the
 * clock's time, caused by and correlated with the request, idempotent under the call's key. The
 * command may be given as how to build it when building it writes (names first): a retry whose
 * first answer is recorded builds nothing.
 */
export const runCommand = <TCommand, TState, TEvent extends DomainEvent>(
  deps: AppDeps,
  call: Call,
  stream: { readonly streamId: string; readonly decider: Decider<TCommand, TState, TEvent> },
  command: TCommand | ((state?: TState) => Promise<TCommand>),
  scope: EventScope | ((state: TState) => EventScope),
  beforeCommit?: () => Promise<void>,
): Promise<ExecuteCommandResult<TState>> =>
  executeCommand({
    beforeCommit,
    store: deps.store,
    ...stream,
    command,
    scope,
    context: contextOf(deps, call.principal),
    correlationId: call.correlationId,
    causationId: call.correlationId,
    idempotencyKey: call.idempotencyKey,
    requestHash: call.requestHash,
    firstRead: call.prefetched?.streamId === stream.streamId ? call.prefetched.read : undefined,
  });

/** The body of a command's answer; whether it was replayed goes in a header, so the retry's body equals the first. */
export const summaryOf = (events: readonly StoredEvent[], version: number) => ({
  version,
  events: events.map((event) => ({ id: event.id, type: event.type })),
});
