import type { Actor, DomainEvent, EventScope, EventType, StoredEvent } from '../../events/index.js';

/**
 * The event store as the rest of the system sees it: append to a stream with optimistic
 * concurrency and idempotency, read a stream, read history across streams, verify a stream's
 * hash chain. Adapters: `DynamoEventStore` (shared/eventStore/dynamoEventStore.ts).
 */
export interface EventStore {
  /**
   * Records `events` as one commit at the end of `streamId`, if the stream still holds exactly
   * `expectedVersion` events (0 for a new stream). Events are validated against the catalogue
   * first; an invalid one is refused (`AppError` category `validation`) and nothing is written.
   *
   * With an `idempotencyKey`, a second call with the same key (sequential or concurrent, even
   * with another expected version) records nothing and returns the first answer with
   * `replayed: true`.
   *
   * @throws ConcurrencyError (409) when the stream moved on; it carries the current version.
   */
  append(streamId: string, expectedVersion: number, events: readonly DomainEvent[], options: AppendOptions): Promise<AppendResult>;

  /**
   * The first answer given for `idempotencyKey` on `streamId`, or undefined when the key was
   * never used (or its first use failed). Waits briefly for an append still in flight, then
   * answers 409 `idempotency.in-progress`. Lets a use case skip deciding again on a retry.
   */
  replayed(streamId: string, idempotencyKey: string): Promise<AppendResult | undefined>;

  /** Every event of a stream, in order, and its version (0 when the stream does not exist). */
  readStream(streamId: string): Promise<StreamRead>;

  /** Events across streams for one centre, department, region or event type, one page at a time. */
  history(query: HistoryQuery): Promise<Page<StoredEvent>>;

  /** Recomputes the hash chain of a stream and names the first commit that does not match. */
  verify(streamId: string): Promise<VerifyResult>;
}

export interface AppendOptions {
  /** A key chosen by the caller per intended write (e.g. the `Idempotency-Key` header). */
  readonly idempotencyKey?: string | undefined;
  readonly actor: Actor;
  /** What the events concern: the centre, its department and region (tenancy and history). */
  readonly scope: EventScope;
  readonly correlationId: string;
  readonly causationId: string;
  /** When it happened in the world (the command's time). */
  readonly occurredAt: Date;
}

export interface AppendResult {
  readonly streamId: string;
  /** Version of the stream after the commit: the version of its last event. */
  readonly version: number;
  /** Number of the commit in its stream (1, 2, …). */
  readonly commit: number;
  readonly events: readonly StoredEvent[];
  /** True when the idempotency key had already been used: this is the first answer, nothing was written. */
  readonly replayed: boolean;
}

/** One commit as the store keeps it: the events of one append, hash-chained to the previous commit. */
export interface Commit {
  readonly streamId: string;
  readonly commit: number;
  readonly firstVersion: number;
  readonly lastVersion: number;
  readonly events: readonly StoredEvent[];
  readonly idempotencyKey?: string | undefined;
  readonly prevHash: string;
  readonly hash: string;
}

export interface StreamRead {
  /** Number of events in the stream (0 when it does not exist). */
  readonly version: number;
  readonly events: readonly StoredEvent[];
}

/** Which index a history query reads: exactly one of these. */
export type HistoryKey =
  | { readonly centreId: string }
  | { readonly department: string }
  | { readonly region: string }
  | { readonly eventType: EventType };

export interface HistoryQuery {
  readonly by: HistoryKey;
  /** Only these event types. */
  readonly types?: readonly EventType[] | undefined;
  /** Only events recorded by this actor id. */
  readonly actorId?: string | undefined;
  /** Recorded at or after this instant (the event id's time). */
  readonly from?: Date | undefined;
  /** Recorded at or before this instant. */
  readonly to?: Date | undefined;
  /** 'desc' (newest first, the default) or 'asc'. */
  readonly order?: 'asc' | 'desc' | undefined;
  /** Page size, 1..500; 50 by default. */
  readonly limit?: number | undefined;
  /** The `nextCursor` of the previous page of the same query. */
  readonly cursor?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; absent on the last page. */
  readonly nextCursor?: string | undefined;
}

export type VerifyResult =
  | { readonly ok: true; readonly commits: number }
  | { readonly ok: false; readonly firstBrokenCommit: number; readonly reason: string };
