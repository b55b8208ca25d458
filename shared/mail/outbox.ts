import {
  ConditionalCheckFailedException,
  GetItemCommand,
  type AttributeValue,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { OutgoingMail } from './model.js';

/**
 * The outbox: one item per mail id, recorded before the mail is sent and marked after.
 *
 * Statuses: `sending` (claimed by a sender, with the time of the claim), `sent` (SES accepted it:
 * its message id is kept), `dead` (SES kept failing: the item holds the whole mail, and the
 * dead-letter queue a copy, so it can be sent again). A redelivered event finds the id and does
 * not send twice. A claim older than the lease means its sender died mid-way: the next delivery
 * takes it over (at-least-once only in that crash window, since SES has no idempotency key). Each
 * claim is numbered by `attempts`: a mail is marked dead only by the claim that holds it.
 *
 * The sparse index `deadLetters` (partition `deadKey`, sort `pk`) lists what still needs someone:
 * `deadKey` is `sending` while a mail is claimed (both claim paths set it), `dead` once dead-lettered,
 * and absent once sent. So a claim whose sender died, and whose event the stream gave up on, is
 * still found (`listStaleClaims`, used by the `mailSweep` schedule and `npm run replay-dlq`) instead
 * of sitting `sending` for ever. The index keeps its name: renaming a GSI replaces it in AWS.
 */
type OutboxStatus = 'sending' | 'sent' | 'dead';

/** Values of `deadKey`, the partition key of the `deadLetters` index. */
const OUTBOX_INDEX = 'deadLetters';
const CLAIMED_KEY = 'sending';
const DEAD_KEY = 'dead';

/** Where the next page of stale claims starts (DynamoDB's LastEvaluatedKey, opaque to callers). */
export type OutboxCursor = Record<string, AttributeValue>;

export interface StaleClaimsPage {
  readonly entries: readonly OutboxEntry[];
  readonly next?: OutboxCursor;
}

export interface DeadMailsPage {
  readonly entries: readonly OutboxEntry[];
  readonly next?: OutboxCursor;
}

export interface OutboxEntry {
  readonly mail: OutgoingMail;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly claimedAt?: string;
  readonly sentAt?: string;
  readonly sesMessageId?: string;
  readonly lastError?: string;
}

export type ClaimResult =
  { readonly outcome: 'claimed'; readonly attempts: number } | { readonly outcome: 'already-sent' } | { readonly outcome: 'dead' } | { readonly outcome: 'in-flight' };

export interface OutboxOptions {
  /** A claim older than this is presumed abandoned. */
  readonly leaseMs?: number;
  /** Sent mails are forgotten after this many days (TTL); dead ones are kept. */
  readonly retentionDays?: number;
}

export class DynamoOutbox {
  private readonly leaseMs: number;
  private readonly retentionDays: number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: OutboxOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.retentionDays = options.retentionDays ?? 400;
  }

  /**
   * Records the mail and claims it for sending, unless it is known: `already-sent` or `dead` (leave
   * it), `in-flight` (another sender holds a fresh claim: retry later). With `revive`, a dead mail
   * is claimed again (the retry queue's resend).
   */
  async claim(mail: OutgoingMail, now: Date, options: { readonly revive?: boolean } = {}): Promise<ClaimResult> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: mail.id },
            status: { S: 'sending' },
            attempts: { N: '1' },
            claimedAt: { S: now.toISOString() },
            deadKey: { S: CLAIMED_KEY },
            kind: { S: mail.kind },
            mail: { S: JSON.stringify(mail) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { outcome: 'claimed', attempts: 1 };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const entry = await this.get(mail.id);
    if (!entry) throw new Error(`Outbox entry ${mail.id} vanished`);
    if (entry.status === 'sent') return { outcome: 'already-sent' };
    if (entry.status === 'dead' && !options.revive) return { outcome: 'dead' };
    const stale = entry.status === 'dead' || !entry.claimedAt || now.getTime() - Date.parse(entry.claimedAt) > this.leaseMs;
    if (!stale) return { outcome: 'in-flight' };
    try {
      const result = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: mail.id } },
          // Indexed as claimed again (a dead mail revived leaves the dead list, joins the claimed one).
          UpdateExpression: 'SET #s = :sending, claimedAt = :now, attempts = attempts + :one, deadKey = :sending',
          ConditionExpression: '#s = :was AND (attribute_not_exists(claimedAt) OR claimedAt = :claimed)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':sending': { S: 'sending' },
            ':now': { S: now.toISOString() },
            ':one': { N: '1' },
            ':was': { S: entry.status },
            ':claimed': { S: entry.claimedAt ?? '' },
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { outcome: 'claimed', attempts: Number(result.Attributes?.attempts?.N ?? entry.attempts + 1) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { outcome: 'in-flight' };
      throw error;
    }
  }

  /**
   * Records that SES accepted the mail. Unconditional on purpose: whichever claim sent it, the mail
   * went out, and a later `markDead` of a claim taken over meanwhile is refused (see there).
   */
  async markSent(mailId: string, sesMessageId: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: mailId } },
        UpdateExpression: 'SET #s = :sent, sentAt = :now, sesMessageId = :mid, expiresAt = :ttl REMOVE deadKey, lastError',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':sent': { S: 'sent' },
          ':now': { S: now.toISOString() },
          ':mid': { S: sesMessageId },
          ':ttl': { N: String(Math.floor(now.getTime() / 1000) + this.retentionDays * 86_400) },
        },
      }),
    );
  }

  /**
   * Marks a mail dead, indexed under `deadKey` (sparse index `deadLetters`) so an operator can list
   * and resend it; only while the claim numbered `attempts` still holds it. A sender whose SES call
   * outlived its lease finds the mail taken over, perhaps sent already: it must not turn `sent` back
   * into `dead`, which the replay would send a second time. Answers whether the mail was marked.
   */
  async markDead(mailId: string, attempts: number, error: string, now: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: mailId } },
          // Overwrites the claim's `deadKey = sending`: the mail moves from the claimed list to the dead one.
          UpdateExpression: 'SET #s = :dead, lastError = :error, deadKey = :dead, deadAt = :now',
          ConditionExpression: '#s = :sending AND attempts = :claim',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':dead': { S: 'dead' },
            ':error': { S: error.slice(0, 1000) },
            ':now': { S: now.toISOString() },
            ':sending': { S: 'sending' },
            ':claim': { N: String(attempts) },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(mailId: string): Promise<OutboxEntry | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: mailId } }, ConsistentRead: true }));
    return toEntry(Item);
  }

  /**
   * One page of the claims older than the lease (their sender presumably died), read from the
   * `deadLetters` index under `deadKey = sending`: only mails claimed right now are there, a handful
   * at a time, so the filter on the claim time reads little. The index is eventually consistent: an
   * entry may already be sent; the claim (a consistent read) decides, never this list.
   */
  async listStaleClaims(now: Date, options: { readonly limit?: number; readonly cursor?: OutboxCursor } = {}): Promise<StaleClaimsPage> {
    const cutoff = new Date(now.getTime() - this.leaseMs).toISOString();
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: OUTBOX_INDEX,
        KeyConditionExpression: 'deadKey = :claimed',
        // A claim with no time (never written so, but harmless to include) counts as abandoned, as in claim().
        FilterExpression: 'attribute_not_exists(claimedAt) OR claimedAt < :cutoff',
        ExpressionAttributeValues: { ':claimed': { S: CLAIMED_KEY }, ':cutoff': { S: cutoff } },
        Limit: options.limit ?? 100,
        ...(options.cursor ? { ExclusiveStartKey: options.cursor } : {}),
      }),
    );
    const entries = Items.map(toEntry).filter((entry): entry is OutboxEntry => entry !== undefined && entry.status === 'sending');
    return { entries, ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}) };
  }

  /**
   * One page of the dead mails, oldest id first, read from the `deadLetters` index under
   * `deadKey = dead`; `next` (the index's LastEvaluatedKey) is where the following page starts, so
   * a caller reads them all however many there are. Each is read again from the table (consistent):
   * the index lags, and a mail sent meanwhile is left out.
   */
  async listDead(options: { readonly limit?: number; readonly cursor?: OutboxCursor } = {}): Promise<DeadMailsPage> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: OUTBOX_INDEX,
        KeyConditionExpression: 'deadKey = :dead',
        ExpressionAttributeValues: { ':dead': { S: DEAD_KEY } },
        Limit: options.limit ?? 100,
        ...(options.cursor ? { ExclusiveStartKey: options.cursor } : {}),
      }),
    );
    const entries = await Promise.all(Items.map((item) => (item.pk?.S ? this.get(item.pk.S) : Promise.resolve(undefined))));
    return { entries: entries.filter((entry): entry is OutboxEntry => entry !== undefined && entry.status === 'dead'), ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}) };
  }
}

/** An outbox item as an entry; undefined when it holds no mail. */
const toEntry = (Item: Record<string, AttributeValue> | undefined): OutboxEntry | undefined => {
  if (!Item?.mail?.S) return undefined;
  return {
    mail: JSON.parse(Item.mail.S) as OutgoingMail,
    status: (Item.status?.S ?? 'sending') as OutboxStatus,
    attempts: Number(Item.attempts?.N ?? 0),
    ...(Item.claimedAt?.S ? { claimedAt: Item.claimedAt.S } : {}),
    ...(Item.sentAt?.S ? { sentAt: Item.sentAt.S } : {}),
    ...(Item.sesMessageId?.S ? { sesMessageId: Item.sesMessageId.S } : {}),
    ...(Item.lastError?.S ? { lastError: Item.lastError.S } : {}),
  };
};
