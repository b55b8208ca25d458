import type { Actor, DomainEvent, EventScope, EventType, StoredEvent } from '../../events/index.js';

/**
 * The event store as the rest of the system sees it: append to a stream with optimistic
 * concurrency and idempotency, read a stream. Castore-sized on purpose: the history index
 * ({@link HistoryReader}, shared/eventStore/historyIndex.ts) and the chain check
 * ({@link StreamVerifier}, shared/eventStore/chain.ts) are separate parts, given only to the
 * functions that use them. Adapter: `DynamoEventStore` (shared/eventStore/dynamoEventStore.ts).
 */
export interface EventStore {
  /**
   * Records `events` as one commit at the end of `streamId`, if the stream still holds exactly
   * `expectedVersion` events (0 for a new stream). Events are validated against the catalogue
   * first; an invalid one is refused (`AppError` category `validation`) and nothing is written.
   *
   * With an `idempotencyKey`, the key is recorded in the commit: a second call with the same key
   * (sequential or concurrent, even with another expected version) records nothing and returns the
   * first answer with `replayed: true`, as soon as the first commit exists.
   *
   * @throws ConcurrencyError (409) when the stream moved on; it carries the current version.
   * @throws AppError `idempotency.key-reused` (422) when the key's commit was asked with another `requestHash`.
   */
  append(streamId: string, expectedVersion: number, events: readonly DomainEvent[], options: AppendOptions): Promise<AppendResult>;

  /**
   * Every event of a stream, in order, and its version (0 when it does not exist). With an
   * idempotency key, also the first answer given for it, when a commit of the stream holds it:
   * a retried command finds its first answer in the read it makes anyway.
   */
  readStream(streamId: string, options?: ReadOptions): Promise<StreamRead>;
}

/** The history across streams, by centre, department, region or event type, one page at a time. */
export interface HistoryReader {
  history(query: HistoryQuery): Promise<Page<StoredEvent>>;
}

/** Recomputes the hash chain of a stream and names the first commit that does not match. */
export interface StreamVerifier {
  verify(streamId: string): Promise<VerifyResult>;
}

export interface ReadOptions {
  readonly idempotencyKey?: string | undefined;
  /** See {@link AppendOptions.requestHash}. */
  readonly requestHash?: string | undefined;
}

export interface AppendOptions {
  /** A key chosen by the caller per intended write (e.g. the `Idempotency-Key` header). */
  readonly idempotencyKey?: string | undefined;
  /**
   * What was asked under the key (a hash of the request), kept in the commit: the same key found
   * with another hash is a key reused for other data, refused rather than answered.
   */
  readonly requestHash?: string | undefined;
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

export interface StreamRead {
  /** Number of events in the stream (0 when it does not exist). */
  readonly version: number;
  readonly events: readonly StoredEvent[];
  /** The first answer to the idempotency key asked for, when this stream recorded it. */
  readonly replay?: AppendResult | undefined;
  /**
   * The first answer to a key, from this same read, as `replay` would have been had the key been
   * asked for (a key reused for another request is refused the same way): a caller that read the
   * stream before it knew the request's hash (the scope check of a session command) decides with
   * this read instead of reading again.
   */
  readonly replayFor?: (idempotencyKey: string, requestHash?: string) => AppendResult | undefined;
}

/** Which index a history query reads: exactly one of these. */
export type HistoryKey = { readonly centreId: string } | { readonly department: string } | { readonly region: string } | { readonly eventType: EventType };

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

export type VerifyResult = { readonly ok: true; readonly commits: number } | { readonly ok: false; readonly firstBrokenCommit: number; readonly reason: string };
