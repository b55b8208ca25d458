import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromItem, toKey } from '../aws/attributes.js';
import type { DomainEvent, EventType, StoredEvent } from '../../events/index.js';
import { currentSchemaVersions } from '../../events/versions.js';
import type { Issue } from '../../events/validatorRuntime.js';
import { AppError, type FieldError } from '../errors.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { ConcurrencyError, keyReused } from './errors.js';
import type { AppendOptions, AppendResult, EventStore, ReadOptions, StreamRead } from './port.js';
import { commitItemValues, readRawCommits } from './rawCommits.js';
import { FOLDED_ATTRIBUTES, type FoldedCommit } from './streamReader.js';
import { GENESIS_HASH, commitHash, parseCommitEvents, type CommitItem } from './records.js';
import { monotonicUlids } from '../platform/ids.js';
import { onFirstUse } from '../platform/lazy.js';

export interface DynamoEventStoreOptions {
  readonly client: DynamoDBClient;
  /** The `events` table (shared/platform/tables.ts), the only one the commit store touches. */
  readonly tables: { readonly events: string };
  readonly clock?: Clock;
  /** Most commits held in memory across streams (20,000 by default, about 20 MB). */
  readonly maxCachedCommits?: number;
}

/** Most events one commit may hold: a command records a handful; a bigger batch is a bug. */
const MAX_EVENTS_PER_COMMIT = 100;
/** Keeps a commit well under DynamoDB's 400 KB item limit. */
const MAX_COMMIT_BYTES = 350_000;
const HEAD_CACHE_SIZE = 1_000;
/**
 * Most commits kept in memory across the cached streams by default (a commit of one event is
 * about 1 KB): beyond it, the oldest streams keep their head and keys but not their commits.
 */
const MAX_CACHED_COMMITS = 20_000;

/** Where a key landed: its commit, and the hash of the request that asked for it. */
interface KeyedCommit {
  readonly commit: number;
  readonly requestHash?: string | undefined;
}

interface Head {
  readonly commit: number;
  readonly version: number;
  readonly hash: string;
  /** The idempotency keys of commits 1..commit, when a full read gave them (absent after a head-only read). */
  readonly keys?: Map<string, KeyedCommit>;
  /**
   * Commits 1..commit as read or written, when a full read gave them: the next read asks
   * only for the commits after them. Commits never change once written, so what is held stays
   * true. The array may run past `commit` (it grows in place, as the keys do): only its first
   * `commit` entries belong to this head.
   */
  readonly items?: FoldedCommit[];
}
/** How many commits a cached head holds. */
const heldBy = (head: Head | undefined): number => (head?.items ? head.commit : 0);

/** The head of a stream with no commit: its keys are known (none), in a map of its own (maps grow in place). */
const emptyHead = (): Head => ({ commit: 0, version: 0, hash: GENESIS_HASH, keys: new Map() });

/**
 * The validators compiled from the event catalogue (events/validators.generated.ts, issue 16) load
 * with the first append: a function that only reads streams (a page, a query) leaves them out of
 * its cold start (infra/bundling.ts), and no function's bundle holds zod for the store.
 */
const loadValidators = onFirstUse(() => import('../../events/validators.generated.js'));
type Validators = Awaited<ReturnType<typeof loadValidators>>;
/** The validators once loaded: later appends validate without awaiting their import again. */
let validators: Validators | undefined;

const fieldsOf = (issues: readonly Issue[], prefix: string): FieldError[] =>
  issues.map((issue) => ({ field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'), message: issue.message }));

const isConditionalFailure = (error: unknown) => error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The slot the commit aimed at is taken: who took it is for the caller to find out. */
class SlotTaken extends Error {}

/**
 * The event store on DynamoDB: commits only, as lean as castore's adapter (one conditional
 * PutItem per append, one Query per read), plus what castore has not: a hash chain and
 * idempotency keys.
 *
 * **Commits.** One item per commit in `events` (pk = stream id, sk = commit number 1, 2, …) written
 * with `attribute_not_exists(pk)`: one item is atomic on DynamoDB and on dynalite (which has no
 * transactions), and the condition gives optimistic concurrency. Commits are dense and immutable,
 * so "slot n is taken" is a fact that never changes. Each commit carries the previous commit's
 * hash and its own. The table is only ever written by `PutItem`.
 *
 * **Idempotency, without a row of its own.** The key is an attribute of the commit it produced. A
 * writer with key K writes at slot n only after a consistent read of slots 1..n-1 showed no K
 * (slots never change once written, so that knowledge stays true); two writers with K at the same
 * slot are told apart by the condition, and the loser, reading again, finds K and answers with
 * that commit. Hence K lands in at most one commit, a retry finds it in the stream read it makes
 * anyway, and a retry after a crash simply writes: nothing was reserved, nothing waits on a lease.
 *
 * The head of the streams this instance read or wrote is cached (bounded) with the keys of their
 * commits: a command that read the stream appends with one PutItem. A stale head is harmless: the
 * conditional put refuses it. The commits themselves are kept too (bounded): reading a stream
 * this instance read or wrote before asks DynamoDB only for the commits after those it holds,
 * still with a consistent read, so a warm function reads a long session's stream in one small
 * query instead of all of it. Commits never change once written, so what is held stays true.
 */
export class DynamoEventStore implements EventStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly clock: Clock;
  private readonly nextUlid = monotonicUlids();
  private readonly heads = new Map<string, Head>();
  private readonly maxCachedCommits: number;
  /** Commits held across the cached heads (each head holds its first `commit` items). */
  private heldCommits = 0;

  constructor(options: DynamoEventStoreOptions) {
    this.client = options.client;
    this.table = options.tables.events;
    this.clock = options.clock ?? systemClock;
    this.maxCachedCommits = options.maxCachedCommits ?? MAX_CACHED_COMMITS;
  }

  async append(streamId: string, expectedVersion: number, events: readonly DomainEvent[], options: AppendOptions): Promise<AppendResult> {
    const parsed = this.validate((validators ??= await loadValidators()), streamId, expectedVersion, events, options);
    const { idempotencyKey: key, requestHash } = parsed.options;
    let head = this.heads.get(streamId);
    if (head === undefined && expectedVersion === 0) {
      // A new stream, by the caller's word: nothing to read. Its first slot is written only if it is
      // free; if it is taken, the stream was not new, and the refusal below reads what holds it.
      // Once written, the commit is the whole stream: the head holds it, as after a full read.
      head = { ...emptyHead(), items: [] };
    } else if (key !== undefined) {
      // The key's absence must be known for every slot before ours: a full read unless cached.
      if (head?.keys === undefined || head.version !== expectedVersion) head = (await this.readCommits(streamId)).head;
      const known = head.keys?.get(key);
      if (known) return this.replayOf(streamId, known, key, requestHash);
    } else if (head?.version !== expectedVersion) {
      head = await this.readHead(streamId);
    }
    if (head.version !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, head.version);
    try {
      return await this.writeCommit(streamId, head, parsed);
    } catch (error) {
      if (!(error instanceof SlotTaken)) throw error;
      this.heads.delete(streamId);
      if (key === undefined) throw new ConcurrencyError(streamId, expectedVersion, (await this.readHead(streamId)).version, { cause: error });
      // A twin with the same key may have taken the slot: then its commit is the answer.
      const { head: current, items } = await this.readCommits(streamId);
      const replay = replayIn(streamId, items, key, requestHash);
      if (replay) return replay;
      throw new ConcurrencyError(streamId, expectedVersion, current.version, { cause: error });
    }
  }

  async readStream(streamId: string, options: ReadOptions = {}): Promise<StreamRead> {
    const { head, items } = await this.readCommits(streamId);
    const events = items.flatMap((item) => parseCommitEvents(item.events));
    const replay = options.idempotencyKey === undefined ? undefined : replayIn(streamId, items, options.idempotencyKey, options.requestHash);
    return { version: head.version, events, ...(replay ? { replay } : {}), replayFor: (key, requestHash) => replayIn(streamId, items, key, requestHash) };
  }

  private validate(
    { validateAppendOptions, validateDomainEvent, validateStreamId }: Validators,
    streamId: string,
    expectedVersion: number,
    events: readonly DomainEvent[],
    options: AppendOptions,
  ) {
    const fields: FieldError[] = [];
    const streamIssues: Issue[] = [];
    validateStreamId(streamId, streamIssues);
    if (streamIssues.length > 0) fields.push({ field: 'streamId', message: 'Identifiant de flux invalide.' });
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) fields.push({ field: 'expectedVersion', message: 'Entier positif ou nul attendu.' });
    if (events.length === 0 || events.length > MAX_EVENTS_PER_COMMIT)
      fields.push({ field: 'events', message: `Entre 1 et ${MAX_EVENTS_PER_COMMIT} événements par enregistrement.` });
    const parsedEvents: DomainEvent[] = [];
    events.forEach((event, index) => {
      const issues: Issue[] = [];
      const parsed = validateDomainEvent(event, issues);
      if (issues.length === 0) parsedEvents.push(parsed as DomainEvent);
      else fields.push(...fieldsOf(issues, `events.${index}`));
    });
    const optionIssues: Issue[] = [];
    const parsedOptions = validateAppendOptions(options, optionIssues) as AppendOptions;
    fields.push(...fieldsOf(optionIssues, 'options'));
    if (fields.length > 0) throw new AppError('event.invalid', 'validation', 'Événement refusé : il ne respecte pas son schéma.', fields);
    const schemaVersionOf = (type: string) => currentSchemaVersions[type as EventType];
    return { events: parsedEvents, options: parsedOptions, schemaVersionOf };
  }

  private async writeCommit(
    streamId: string,
    head: Head,
    { events, options, schemaVersionOf }: { events: DomainEvent[]; options: AppendOptions; schemaVersionOf: (type: string) => number },
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
          schemaVersion: schemaVersionOf(event.type),
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
    const { idempotencyKey, requestHash } = options;
    const body: Omit<CommitItem, 'hash'> = {
      pk: streamId,
      sk: head.commit + 1,
      firstVersion: head.version + 1,
      lastVersion: head.version + stored.length,
      events: JSON.stringify(stored),
      eventTypes: new Set(stored.map((event) => event.type)),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      ...(idempotencyKey !== undefined && requestHash !== undefined ? { requestHash } : {}),
      ...(options.scope.centreId ? { centreId: options.scope.centreId } : {}),
      ...(options.scope.department ? { department: options.scope.department } : {}),
      region: options.scope.region,
      recordedAt,
      prevHash: head.hash,
    };
    const item: CommitItem = { ...body, hash: commitHash(body) };
    if (Buffer.byteLength(item.events) > MAX_COMMIT_BYTES) throw new AppError('event.too-large', 'too-large', 'Enregistrement trop volumineux.');
    try {
      await this.client.send(new PutItemCommand({ TableName: this.table, Item: commitItemValues(item), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (isConditionalFailure(error)) throw new SlotTaken('commit slot taken', { cause: error });
      throw error;
    }
    // The key map grows in place (copying it made every keyed append O(commits)): a key in it names
    // a commit that exists, which stays true for every head sharing the map, older ones included.
    const keys = head.keys && idempotencyKey !== undefined ? head.keys.set(idempotencyKey, { commit: item.sk, requestHash }) : head.keys;
    const items = head.items ? (head.items.length === head.commit ? head.items : head.items.slice(0, head.commit)) : undefined;
    items?.push(item);
    this.remember(streamId, { commit: item.sk, version: item.lastVersion, hash: item.hash, ...(keys ? { keys } : {}), ...(items ? { items } : {}) });
    return { streamId, version: item.lastVersion, commit: item.sk, events: stored, replayed: false };
  }

  /** The first answer of a key known from the cache: the commit is read back (a consistent read of one slot). */
  private async replayOf(streamId: string, known: KeyedCommit, key: string, requestHash: string | undefined): Promise<AppendResult> {
    if (requestHash !== undefined && known.requestHash !== undefined && known.requestHash !== requestHash) throw keyReused();
    const { items } = await this.readCommits(streamId);
    const replay = replayIn(streamId, items, key, requestHash);
    if (!replay) throw new Error(`commit ${known.commit} of ${streamId} lost its idempotency key`);
    return replay;
  }

  private remember(streamId: string, head: Head) {
    this.heldCommits += heldBy(head) - heldBy(this.heads.get(streamId));
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) {
      const oldest = this.heads.keys().next().value;
      if (oldest !== undefined) {
        this.heldCommits -= heldBy(this.heads.get(oldest));
        this.heads.delete(oldest);
      }
    }
    // Oldest first: they drop their commits (not their head nor keys) until the bound holds.
    for (const [id, cached] of this.heads) {
      if (this.heldCommits <= this.maxCachedCommits) break;
      if (!cached.items || id === streamId) continue;
      this.heldCommits -= heldBy(cached);
      const { items: _dropped, ...rest } = cached;
      this.heads.set(id, rest);
    }
  }

  /** The last commit's number, version and hash alone: what an append without a key needs. */
  private async readHead(streamId: string): Promise<Head> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: toKey({ ':pk': streamId }),
        ProjectionExpression: 'sk, lastVersion, #hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const raw = output.Items?.[0];
    if (!raw) return emptyHead();
    const item = fromItem(raw) as { sk: number; lastVersion: number; hash: string };
    const head = { commit: item.sk, version: item.lastVersion, hash: item.hash };
    this.remember(streamId, head);
    return head;
  }

  /**
   * Every commit of the stream, consistently read (only the attributes folding needs), and the head
   * with the keys they hold. Items are not re-validated: the store validated them when writing, and
   * the chain verifier checks them.
   */
  private async readCommits(streamId: string): Promise<{ head: Head; items: FoldedCommit[] }> {
    const cached = this.heads.get(streamId);
    const usable = cached?.items !== undefined && cached.items.length >= cached.commit;
    const held = usable ? (cached.items ?? []).slice(0, cached.commit) : [];
    const after = usable ? cached.commit : 0;
    const fresh = (await readRawCommits(this.client, this.table, streamId, FOLDED_ATTRIBUTES, after)) as FoldedCommit[];
    const items = held.concat(fresh);
    const last = items.at(-1);
    const keys = new Map<string, KeyedCommit>();
    for (const item of items) if (item.idempotencyKey !== undefined) keys.set(item.idempotencyKey, { commit: item.sk, requestHash: item.requestHash });
    const head: Head = last ? { commit: last.sk, version: last.lastVersion, hash: last.hash, keys, items } : { ...emptyHead(), keys, items };
    this.remember(streamId, head);
    return { head, items };
  }
}

/** The first answer to `key` among a stream's commits; refused when it answered another request. */
const replayIn = (streamId: string, items: readonly FoldedCommit[], key: string, requestHash: string | undefined): AppendResult | undefined => {
  const item = items.find((candidate) => candidate.idempotencyKey === key);
  if (!item) return undefined;
  if (requestHash !== undefined && item.requestHash !== undefined && item.requestHash !== requestHash) throw keyReused();
  return { streamId, version: item.lastVersion, commit: item.sk, events: parseCommitEvents(item.events), replayed: true };
};
