import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { encodeTime, monotonicFactory } from 'ulid';
import * as z from 'zod';
import {
  actor as actorSchema,
  definitionOf,
  domainEventSchema,
  eventScope,
  eventTypes,
  streamId as streamIdSchema,
  upcast,
  type DomainEvent,
  type StoredEvent,
} from '../../events/index.js';
import { AppError, type FieldError } from '../errors.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ConcurrencyError, TableNotGrantedError, idempotencyInProgress, type StoreTable } from './errors.js';
import type { AppendOptions, AppendResult, EventStore, HistoryQuery, Page, StreamRead, VerifyResult } from './port.js';
import {
  GENESIS_HASH,
  commitHash,
  commitItemFromStreamImage,
  commitItemSchema,
  historyItemOf,
  parseCommitEvents,
  type CommitItem,
} from './records.js';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from './retry.js';
import { readRawCommits } from './rawCommits.js';
import { logger } from '../platform/observability.js';

export interface DynamoEventStoreOptions {
  readonly client: DynamoDBClient;
  /**
   * Physical names of the `events`, `history` and `idempotency` tables (shared/platform/tables.ts),
   * only those the function is granted: a method that needs an absent one throws
   * {@link TableNotGrantedError} before sending anything. A stream reader has `events` alone, the
   * history indexer `history` alone; an idempotent append needs `idempotency`.
   */
  readonly tables: { readonly [T in StoreTable]?: string };
  /** Signs history cursors (HMAC-SHA256); at least 32 characters, from `CURSOR_SECRET`. */
  readonly cursorSecret: string;
  readonly clock?: Clock;
  readonly retry?: Partial<RetryPolicy>;
  readonly idempotency?: Partial<IdempotencyPolicy>;
  /**
   * Called when the write-through of the history index fails after the commit landed. The append
   * still succeeds: the stream-driven indexer writes the same items again.
   */
  readonly onIndexFailure?: (error: unknown, streamId: string, commit: number) => void;
  /**
   * Whether append writes the history items itself right after the commit (true by default), so
   * history reads see a command's events as soon as it answered. False leaves them to the
   * stream-driven indexer alone: one write fewer per append, history a stream delay behind.
   * Off by default when the store has no `history` table; turning it on then throws.
   */
  readonly historyWriteThrough?: boolean;
}

/** Timings of the idempotency reservations (see {@link DynamoEventStore}). */
export interface IdempotencyPolicy {
  /** A reservation whose commit is not written after this long is presumed abandoned (crash). */
  readonly leaseMs: number;
  /** How long a second caller waits for a first one still in flight before answering 409. */
  readonly waitMs: number;
  readonly pollMs: number;
  /** How long a key is remembered (the reservation's TTL). */
  readonly ttlDays: number;
}

const defaultIdempotency: IdempotencyPolicy = { leaseMs: 15_000, waitMs: 2_000, pollMs: 25, ttlDays: 30 };

/** Most events one commit may hold: a command records a handful; a bigger batch is a bug. */
const MAX_EVENTS_PER_COMMIT = 100;
/** Keeps a commit well under DynamoDB's 400 KB item limit. */
const MAX_COMMIT_BYTES = 350_000;
const MIN_ULID = '0'.repeat(26);
const MAX_ULID = 'Z'.repeat(26);
const HEAD_CACHE_SIZE = 1_000;

interface Head {
  readonly commit: number;
  readonly version: number;
  readonly hash: string;
}
const EMPTY_HEAD: Head = { commit: 0, version: 0, hash: GENESIS_HASH };

interface Reservation {
  readonly pk: string;
  readonly streamId: string;
  readonly commit: number;
  readonly owner: string;
  readonly createdAt: number;
}

/** Holding a reservation: the head it was taken at, and whether releasing it is safe. */
interface Owned {
  readonly owner: string;
  readonly head: Head;
  readonly target: number;
  /**
   * False when a previous owner (presumed crashed) aimed at the same free commit slot: it may still
   * write there, so the reservation must stay until that slot is filled, never be deleted.
   */
  readonly releasable: boolean;
}

type Resolution = { readonly kind: 'replay'; readonly result: AppendResult } | { readonly kind: 'free' } | { readonly kind: 'owned'; readonly owned: Owned };

const appendOptionsSchema = z.object({
  idempotencyKey: z.string().min(1).max(200).optional(),
  actor: actorSchema,
  scope: eventScope,
  correlationId: z.string().min(1).max(128),
  causationId: z.string().min(1).max(128),
  occurredAt: z.date().refine((d) => !Number.isNaN(d.getTime()), { message: 'Date invalide.' }),
});

const historyQuerySchema = z.object({
  by: z.union([
    z.strictObject({ centreId: z.string().min(1).max(80) }),
    z.strictObject({ department: z.string().min(1).max(3) }),
    z.strictObject({ region: z.string().min(1).max(3) }),
    z.strictObject({ eventType: z.enum(eventTypes) }),
  ]),
  types: z.array(z.enum(eventTypes)).min(1).max(30).optional(),
  actorId: z.string().min(1).max(128).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.number().int().min(1, { message: '1 au minimum.' }).max(500, { message: '500 au plus.' }).default(50),
  cursor: z.string().max(512).optional(),
});

const validationError = (code: string, message: string, fields: FieldError[]) => new AppError(code, 'validation', message, fields);

const fieldsOf = (error: z.ZodError, prefix: string): FieldError[] =>
  error.issues.map((issue) => ({ field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'), message: issue.message }));

const isConditionalFailure = (error: unknown) => error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The event store on DynamoDB.
 *
 * **Commits.** One item per commit in `events` (pk = stream id, sk = commit number 1, 2, …) written
 * with `attribute_not_exists(pk)`: one item is atomic on DynamoDB and on dynalite (which has no
 * transactions), and the condition gives optimistic concurrency. Commits are dense and immutable,
 * so "slot n is taken" is a fact that never changes. Each commit carries the previous commit's
 * hash and its own. The head of the streams this instance touched is cached (bounded): a stale
 * head is harmless, since the conditional put refuses it.
 *
 * **Idempotency.** A key is reserved in `idempotency` (pk = stream id + key) by a conditional put
 * naming the commit slot it aims at, before the commit is written; the commit carries the key.
 * A caller finding the key reserved resolves it:
 * - the aimed slot holds a commit with this key: that is the first answer, returned as is;
 * - the slot holds another key's commit: the first attempt lost a race and will not write
 *   anywhere else, so the reservation is dead and is taken over (conditional update on its owner);
 * - the slot is empty and the reservation is young: the first attempt is in flight, so wait and
 *   poll, then answer 409 `idempotency.in-progress`;
 * - the slot is empty and the reservation is older than the lease: the first attempt crashed (or
 *   is very late); it is taken over aiming at the *same* slot, so that if the first attempt does
 *   write after all, the two compete for one slot and the condition lets only one through. Such a
 *   reservation is not deleted while its slot is empty.
 * A key therefore lands in at most one commit, and every caller with it gets that commit.
 *
 * **History.** One item per event in `history` (pk = event id) indexed by centre, department,
 * region and type, sorted by ULID (time-ordered: time ranges are key ranges). Written through right
 * after the commit; the stream-driven indexer calls {@link DynamoEventStore.indexCommit} with the
 * same record, so a crash between the two loses nothing (the puts are idempotent). No Scan.
 */
export class DynamoEventStore implements EventStore {
  private readonly client: DynamoDBClient;
  private readonly tables: DynamoEventStoreOptions['tables'];
  private readonly cursorSecret: string;
  private readonly clock: Clock;
  private readonly retryPolicy: RetryPolicy;
  private readonly idempotency: IdempotencyPolicy;
  private readonly onIndexFailure: NonNullable<DynamoEventStoreOptions['onIndexFailure']>;
  private readonly historyWriteThrough: boolean;
  private readonly nextUlid = monotonicFactory();
  private readonly heads = new Map<string, Head>();

  constructor(options: DynamoEventStoreOptions) {
    if (options.cursorSecret.length < 32) throw new Error('cursorSecret must hold at least 32 characters');
    this.client = options.client;
    this.tables = options.tables;
    this.cursorSecret = options.cursorSecret;
    this.clock = options.clock ?? systemClock;
    this.retryPolicy = { ...defaultRetryPolicy, ...options.retry };
    this.idempotency = { ...defaultIdempotency, ...options.idempotency };
    this.historyWriteThrough = options.historyWriteThrough ?? Boolean(options.tables.history);
    if (this.historyWriteThrough) this.table('history');
    this.onIndexFailure =
      options.onIndexFailure ??
      ((error, streamId, commit) => logger.error('history write-through failed', { streamId, commit, error: error instanceof Error ? error : String(error) }));
  }

  // ------------------------------------------------------------------ append

  async append(streamId: string, expectedVersion: number, events: readonly DomainEvent[], options: AppendOptions): Promise<AppendResult> {
    const parsed = this.validate(streamId, expectedVersion, events, options);
    const key = parsed.options.idempotencyKey;
    // Before the head is read: a store without the table must not half-start an idempotent append.
    this.table('events');
    if (key !== undefined) this.table('idempotency');
    if (key === undefined) {
      const head = await this.headFor(streamId, expectedVersion);
      if (head.version !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, head.version);
      return this.writeCommit(streamId, head, parsed.events, parsed.options, undefined);
    }
    for (let round = 0; round < 5; round += 1) {
      const owned = await this.reserve(streamId, key, expectedVersion);
      if (owned.kind === 'replay') return owned.result;
      if (owned.kind === 'free') continue;
      return this.appendOwned(streamId, expectedVersion, key, owned.owned, parsed.events, parsed.options);
    }
    throw idempotencyInProgress();
  }

  async replayed(streamId: string, idempotencyKey: string): Promise<AppendResult | undefined> {
    this.table('idempotency');
    const resolution = await this.resolve(streamId, idempotencyKey, false);
    return resolution.kind === 'replay' ? resolution.result : undefined;
  }

  private validate(streamId: string, expectedVersion: number, events: readonly DomainEvent[], options: AppendOptions) {
    const fields: FieldError[] = [];
    if (!streamIdSchema.safeParse(streamId).success) fields.push({ field: 'streamId', message: 'Identifiant de flux invalide.' });
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0)
      fields.push({ field: 'expectedVersion', message: 'Entier positif ou nul attendu.' });
    if (events.length === 0 || events.length > MAX_EVENTS_PER_COMMIT)
      fields.push({ field: 'events', message: `Entre 1 et ${MAX_EVENTS_PER_COMMIT} événements par enregistrement.` });
    const parsedEvents: DomainEvent[] = [];
    events.forEach((event, index) => {
      const result = domainEventSchema.safeParse(event);
      if (result.success) parsedEvents.push(result.data);
      else fields.push(...fieldsOf(result.error, `events.${index}`));
    });
    const parsedOptions = appendOptionsSchema.safeParse(options);
    if (!parsedOptions.success) fields.push(...fieldsOf(parsedOptions.error, 'options'));
    if (fields.length > 0 || !parsedOptions.success)
      throw validationError('event.invalid', 'Événement refusé : il ne respecte pas son schéma.', fields);
    return { events: parsedEvents, options: parsedOptions.data };
  }

  /** Reserves the key, or resolves the reservation someone else holds. */
  private async reserve(streamId: string, key: string, expectedVersion: number): Promise<Resolution> {
    const head = await this.headFor(streamId, expectedVersion);
    const owner = randomUUID();
    const now = this.clock.now().getTime();
    try {
      await this.call(() =>
        this.client.send(
          new PutItemCommand({
            TableName: this.table('idempotency'),
            Item: marshall({
              pk: reservationKey(streamId, key),
              streamId,
              commit: head.commit + 1,
              owner,
              createdAt: now,
              expiresAt: Math.floor(now / 1000) + this.idempotency.ttlDays * 86_400,
            }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return { kind: 'owned', owned: { owner, head, target: head.commit + 1, releasable: true } };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    return this.resolve(streamId, key, true);
  }

  /**
   * What a key's reservation means now (see the class comment). With `takeOver`, a dead or stale
   * reservation is taken over; without, it reads as unused.
   */
  private async resolve(streamId: string, key: string, takeOver: boolean): Promise<Resolution> {
    const deadline = Date.now() + this.idempotency.waitMs;
    for (;;) {
      const reservation = await this.getReservation(streamId, key);
      if (!reservation) return { kind: 'free' };
      const head = await this.readHead(streamId);
      if (head.commit >= reservation.commit) {
        const item = await this.getCommit(streamId, reservation.commit);
        if (item?.idempotencyKey === key) return { kind: 'replay', result: replayOf(item) };
        if (!takeOver) return { kind: 'free' };
        const owned = await this.takeOver(reservation, head, true);
        if (owned) return { kind: 'owned', owned };
        continue;
      }
      const age = this.clock.now().getTime() - reservation.createdAt;
      if (age > this.idempotency.leaseMs) {
        if (!takeOver) return { kind: 'free' };
        const owned = await this.takeOver(reservation, head, false);
        if (owned) return { kind: 'owned', owned };
        continue;
      }
      if (Date.now() >= deadline) throw idempotencyInProgress();
      await this.retryPolicy.sleep(this.idempotency.pollMs);
    }
  }

  private async takeOver(reservation: Reservation, head: Head, slotTaken: boolean): Promise<Owned | undefined> {
    const owner = randomUUID();
    const target = head.commit + 1;
    try {
      await this.call(() =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table('idempotency'),
            Key: marshall({ pk: reservation.pk }),
            UpdateExpression: 'SET #owner = :owner, #commit = :commit, createdAt = :now',
            ConditionExpression: '#owner = :previous',
            ExpressionAttributeNames: { '#owner': 'owner', '#commit': 'commit' },
            ExpressionAttributeValues: marshall({ ':owner': owner, ':commit': target, ':now': this.clock.now().getTime(), ':previous': reservation.owner }),
          }),
        ),
      );
      return { owner, head, target, releasable: slotTaken };
    } catch (error) {
      if (isConditionalFailure(error)) return undefined;
      throw error;
    }
  }

  private async appendOwned(
    streamId: string,
    expectedVersion: number,
    key: string,
    owned: Owned,
    events: DomainEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (owned.head.version !== expectedVersion) {
      if (owned.releasable) await this.release(streamId, key, owned.owner);
      throw new ConcurrencyError(streamId, expectedVersion, owned.head.version);
    }
    try {
      return await this.writeCommit(streamId, owned.head, events, options, key);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error; // outcome unknown: the reservation stays for the next caller to resolve
      // The slot is taken. By this key (a presumed-dead first attempt wrote after all)? Then that is the answer.
      const item = await this.getCommit(streamId, owned.target);
      if (item?.idempotencyKey === key) return replayOf(item);
      // Taken by another key: nobody can write this key anywhere now, releasing is safe.
      await this.release(streamId, key, owned.owner);
      throw error;
    }
  }

  private async release(streamId: string, key: string, owner: string): Promise<void> {
    try {
      await this.call(() =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.table('idempotency'),
            Key: marshall({ pk: reservationKey(streamId, key) }),
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: marshall({ ':owner': owner }),
          }),
        ),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error; // someone took it over: theirs now
    }
  }

  private async writeCommit(
    streamId: string,
    head: Head,
    events: DomainEvent[],
    options: AppendOptions,
    idempotencyKey: string | undefined,
  ): Promise<AppendResult> {
    const recorded = this.clock.now();
    const recordedAt = recorded.toISOString();
    const occurredAt = options.occurredAt.toISOString();
    const stored = events.map(
      (event, index) =>
        ({
          id: this.nextUlid(recorded.getTime()),
          streamId,
          version: head.version + index + 1,
          schemaVersion: definitionOf(event.type)?.schemaVersion ?? 1,
          occurredAt,
          recordedAt,
          actor: options.actor,
          scope: options.scope,
          correlationId: options.correlationId,
          causationId: options.causationId,
          type: event.type,
          data: event.data,
        }) as StoredEvent,
    );
    const body: Omit<CommitItem, 'hash'> = {
      pk: streamId,
      sk: head.commit + 1,
      firstVersion: head.version + 1,
      lastVersion: head.version + stored.length,
      events: JSON.stringify(stored),
      eventTypes: new Set(stored.map((event) => event.type)),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      ...(options.scope.centreId ? { centreId: options.scope.centreId } : {}),
      ...(options.scope.department ? { department: options.scope.department } : {}),
      region: options.scope.region,
      recordedAt,
      prevHash: head.hash,
    };
    const item: CommitItem = { ...body, hash: commitHash(body) };
    if (Buffer.byteLength(item.events) > MAX_COMMIT_BYTES)
      throw new AppError('event.too-large', 'too-large', 'Enregistrement trop volumineux.');
    try {
      await this.call(() =>
        this.client.send(
          new PutItemCommand({ TableName: this.table('events'), Item: marshall(item), ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      this.heads.delete(streamId);
      const current = await this.readHead(streamId);
      throw new ConcurrencyError(streamId, head.version, current.version, { cause: error });
    }
    this.remember(streamId, { commit: item.sk, version: item.lastVersion, hash: item.hash });
    if (this.historyWriteThrough) {
      try {
        await this.indexEvents(stored);
      } catch (error) {
        this.onIndexFailure(error, streamId, item.sk);
      }
    }
    return { streamId, version: item.lastVersion, commit: item.sk, events: stored, replayed: false };
  }

  // ------------------------------------------------------------------ history index

  /**
   * Writes the history items of a commit from a DynamoDB stream record's NewImage. Idempotent
   * (keyed by event id): the stream-driven indexer calls it for every commit, at least once.
   */
  async indexCommit(newImage: Readonly<Record<string, unknown>>): Promise<void> {
    await this.indexEvents(parseCommitEvents(commitItemFromStreamImage(newImage).events));
  }

  /** Puts one history item per event, 25 per batch, retrying unprocessed items with backoff. */
  async indexEvents(events: readonly StoredEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += 25) {
      let requests: WriteRequest[] = events
        .slice(start, start + 25)
        .map((event) => ({ PutRequest: { Item: marshall(historyItemOf(event), { removeUndefinedValues: true }) } }));
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        const output = await this.call(() => this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table('history')]: requests } })));
        requests = output.UnprocessedItems?.[this.table('history')] ?? [];
        if (requests.length === 0) break;
        if (attempt >= this.retryPolicy.maxAttempts) throw new Error(`history: ${requests.length} items left unprocessed`);
        await this.retryPolicy.sleep(Math.floor(this.retryPolicy.random() * Math.min(this.retryPolicy.maxDelayMs, this.retryPolicy.baseDelayMs * 2 ** attempt)));
      }
    }
  }

  // ------------------------------------------------------------------ reading

  async readStream(streamId: string): Promise<StreamRead> {
    const items = await this.readCommits(streamId);
    const events = items.flatMap((item) => parseCommitEvents(item.events));
    const last = items.at(-1);
    if (last) this.remember(streamId, { commit: last.sk, version: last.lastVersion, hash: last.hash });
    return { version: last?.lastVersion ?? 0, events };
  }

  async history(query: HistoryQuery): Promise<Page<StoredEvent>> {
    const parsed = historyQuerySchema.safeParse(query);
    if (!parsed.success) throw validationError('history.query.invalid', 'Recherche invalide.', fieldsOf(parsed.error, ''));
    const q = parsed.data;
    const index = indexOf(q.by);
    const fingerprint = sha256Hex(
      canonicalJson({ by: q.by, types: q.types ? [...q.types].sort() : undefined, actorId: q.actorId, from: q.from?.toISOString(), to: q.to?.toISOString(), order: q.order }),
    );
    const after = q.cursor === undefined ? undefined : decodeCursor(this.cursorSecret, fingerprint, q.cursor);
    let low = q.from ? ulidBound(q.from, '0') : MIN_ULID;
    let high = q.to ? ulidBound(q.to, 'Z') : MAX_ULID;
    if (after !== undefined && q.order === 'asc' && after > low) low = after;
    if (after !== undefined && q.order === 'desc' && after < high) high = after;
    if (low > high) return { items: [] };

    const names: Record<string, string> = { '#pk': index.attribute, '#sk': 'eventId' };
    const values: Record<string, unknown> = { ':pk': index.value, ':low': low, ':high': high };
    const filters: string[] = [];
    if (q.types) {
      names['#type'] = 'type';
      q.types.forEach((type, i) => (values[`:t${i}`] = type));
      filters.push(`#type IN (${q.types.map((_, i) => `:t${i}`).join(', ')})`);
    }
    if (q.actorId !== undefined) {
      names['#actorId'] = 'actorId';
      values[':actorId'] = q.actorId;
      filters.push('#actorId = :actorId');
    }
    const collected: StoredEvent[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    // One item more than the page tells whether a next page exists without an extra empty page.
    while (collected.length <= q.limit) {
      const needed = q.limit + 1 - collected.length;
      const input: QueryCommandInput = {
        TableName: this.table('history'),
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
        ScanIndexForward: q.order === 'asc',
        // Filters apply after the limit: read ahead when filtering, exactly what is needed otherwise.
        Limit: filters.length > 0 ? Math.max(needed, 100) : needed + (after !== undefined && collected.length === 0 ? 1 : 0),
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      const output = await this.call(() => this.client.send(new QueryCommand(input)));
      for (const raw of output.Items ?? []) {
        const item = unmarshall(raw) as { eventId: string; event: string };
        if (item.eventId === after) continue;
        collected.push(upcast(JSON.parse(item.event) as StoredEvent) as StoredEvent);
      }
      startKey = output.LastEvaluatedKey;
      if (!startKey) break;
    }
    if (collected.length <= q.limit) return { items: collected };
    const items = collected.slice(0, q.limit);
    const last = items.at(-1);
    return { items, nextCursor: last ? encodeCursor(this.cursorSecret, fingerprint, last.id) : undefined };
  }

  // ------------------------------------------------------------------ verification

  async verify(streamId: string): Promise<VerifyResult> {
    const raws = await this.readCommitsRaw(streamId);
    let prevHash = GENESIS_HASH;
    let version = 0;
    for (const [index, raw] of raws.entries()) {
      const expected = index + 1;
      const parsed = commitItemSchema.safeParse(raw);
      const broken = (reason: string): VerifyResult => ({ ok: false, firstBrokenCommit: expected, reason });
      if (!parsed.success) return broken('Enregistrement illisible : attributs manquants ou mal formés.');
      const item = parsed.data;
      if (item.sk !== expected) return broken(`Enregistrement ${expected} manquant (trouvé ${item.sk}).`);
      if (item.prevHash !== prevHash) return broken("L'empreinte de l'enregistrement précédent ne correspond pas.");
      if (commitHash(raw as CommitItem) !== item.hash) return broken("L'empreinte recalculée ne correspond pas : l'enregistrement a été modifié.");
      let events: StoredEvent[];
      try {
        events = parseCommitEvents(item.events);
      } catch {
        return broken('Événements illisibles.');
      }
      const consecutive = events.every((event, i) => event.version === version + i + 1 && event.streamId === streamId);
      if (!consecutive || item.firstVersion !== version + 1 || item.lastVersion !== version + events.length)
        return broken('Numéros de version incohérents.');
      version = item.lastVersion;
      prevHash = item.hash;
    }
    return { ok: true, commits: raws.length };
  }

  // ------------------------------------------------------------------ DynamoDB access

  /** The physical name of a table, or {@link TableNotGrantedError} when the store was built without it. */
  private table(table: StoreTable): string {
    const name = this.tables[table];
    if (name === undefined || name === '') throw new TableNotGrantedError(table);
    return name;
  }

  private call<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(this.retryPolicy, operation);
  }

  private remember(streamId: string, head: Head) {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) {
      const oldest = this.heads.keys().next().value;
      if (oldest !== undefined) this.heads.delete(oldest);
    }
  }

  /** The cached head when it matches what the caller expects, else a fresh read. */
  private async headFor(streamId: string, expectedVersion: number): Promise<Head> {
    const cached = this.heads.get(streamId);
    return cached?.version === expectedVersion ? cached : this.readHead(streamId);
  }

  private async readHead(streamId: string): Promise<Head> {
    const output = await this.call(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.table('events'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': streamId }),
          ProjectionExpression: 'sk, lastVersion, #hash',
          ExpressionAttributeNames: { '#hash': 'hash' },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const raw = output.Items?.[0];
    if (!raw) return EMPTY_HEAD;
    const item = unmarshall(raw) as { sk: number; lastVersion: number; hash: string };
    const head = { commit: item.sk, version: item.lastVersion, hash: item.hash };
    this.remember(streamId, head);
    return head;
  }

  private async getCommit(streamId: string, commit: number): Promise<CommitItem | undefined> {
    const output = await this.call(() =>
      this.client.send(new GetItemCommand({ TableName: this.table('events'), Key: marshall({ pk: streamId, sk: commit }), ConsistentRead: true })),
    );
    return output.Item ? commitItemSchema.parse(unmarshall(output.Item)) : undefined;
  }

  private async getReservation(streamId: string, key: string): Promise<Reservation | undefined> {
    const output = await this.call(() =>
      this.client.send(
        new GetItemCommand({ TableName: this.table('idempotency'), Key: marshall({ pk: reservationKey(streamId, key) }), ConsistentRead: true }),
      ),
    );
    return output.Item ? (unmarshall(output.Item) as Reservation) : undefined;
  }

  private readCommitsRaw(streamId: string): Promise<Record<string, unknown>[]> {
    return readRawCommits(this.client, this.table('events'), streamId, (operation) => this.call(operation));
  }

  private async readCommits(streamId: string): Promise<CommitItem[]> {
    return (await this.readCommitsRaw(streamId)).map((raw) => commitItemSchema.parse(raw));
  }
}

const reservationKey = (streamId: string, key: string) => `${streamId}#${key}`;

const replayOf = (item: CommitItem): AppendResult => ({
  streamId: item.pk,
  version: item.lastVersion,
  commit: item.sk,
  events: parseCommitEvents(item.events),
  replayed: true,
});

const indexOf = (by: HistoryQuery['by']): { name: string; attribute: string; value: string } => {
  if ('centreId' in by) return { name: 'byCentre', attribute: 'centreKey', value: by.centreId };
  if ('department' in by) return { name: 'byDepartment', attribute: 'departmentKey', value: by.department };
  if ('region' in by) return { name: 'byRegion', attribute: 'regionKey', value: by.region };
  return { name: 'byType', attribute: 'typeKey', value: by.eventType };
};

/** The smallest ('0') or largest ('Z') ULID of the millisecond of `instant`. */
const ulidBound = (instant: Date, fill: '0' | 'Z') => encodeTime(Math.max(0, instant.getTime()), 10) + fill.repeat(16);
