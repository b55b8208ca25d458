import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../errors.js';
import type { HttpResponse } from './event.js';

/**
 * Idempotency of writes: the first answer to a key is kept, and the same key again returns it
 * without running the write. A key is reserved before the write (so a double click that arrives
 * while the first is running gets 409, not a second write) and released when the write failed
 * without writing anything (so the user can correct the form and send it again).
 */
export type IdempotencyBegin = { status: 'new' } | { status: 'done'; response: HttpResponse } | { status: 'pending' };

export interface IdempotencyStore {
  begin(key: string, fingerprint: string, now: Date): Promise<IdempotencyBegin>;
  complete(key: string, fingerprint: string, response: HttpResponse, now: Date): Promise<void>;
  release(key: string): Promise<void>;
}

/** Keys are accepted when they look like a UUID or a ULID: 8 to 128 safe characters. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/** Same key, same request: a fingerprint of what was asked, so a reused key with other data is refused. */
export const fingerprintOf = (...parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

export const keyReused = () =>
  new AppError('idempotency.key-reused', 'rule', 'Cette clé d’idempotence a déjà servi pour une autre demande.');
export const stillRunning = () =>
  new AppError('idempotency.in-progress', 'conflict', 'Cette demande est déjà en cours de traitement. Patientez puis rechargez la page.');

const RETENTION_SECONDS = 24 * 3600;
const LOCK_SECONDS = 30;

interface Row {
  pk: string;
  fingerprint: string;
  status: 'pending' | 'done';
  lockedUntil: number;
  response?: string;
  expiresAt: number;
}

/** DynamoDB adapter over the `idempotency` table (pk = scoped key, TTL on `expiresAt`). */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async begin(key: string, fingerprint: string, now: Date): Promise<IdempotencyBegin> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const row: Row = { pk: key, fingerprint, status: 'pending', lockedUntil: nowSeconds + LOCK_SECONDS, expiresAt: nowSeconds + RETENTION_SECONDS };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(row),
          // Take the key when it is free, or when a pending reservation was abandoned (crash).
          ConditionExpression: 'attribute_not_exists(pk) OR (#s = :pending AND lockedUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: marshall({ ':pending': 'pending', ':now': nowSeconds }),
        }),
      );
      return { status: 'new' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: key }), ConsistentRead: true }));
    if (!existing.Item) return this.begin(key, fingerprint, now);
    const stored = unmarshall(existing.Item) as Row;
    if (stored.fingerprint !== fingerprint) throw keyReused();
    if (stored.status === 'done' && stored.response) return { status: 'done', response: JSON.parse(stored.response) as HttpResponse };
    return { status: 'pending' };
  }

  async complete(key: string, fingerprint: string, response: HttpResponse, now: Date): Promise<void> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const row: Row = { pk: key, fingerprint, status: 'done', lockedUntil: 0, response: JSON.stringify(response), expiresAt: nowSeconds + RETENTION_SECONDS };
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: marshall(row) }));
  }

  async release(key: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: key }),
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: marshall({ ':pending': 'pending' }),
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }
}

/** In-memory store: unit tests and the fuzzing suites. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly rows = new Map<string, { fingerprint: string; response?: HttpResponse }>();
  async begin(key: string, fingerprint: string): Promise<IdempotencyBegin> {
    const row = this.rows.get(key);
    if (!row) {
      this.rows.set(key, { fingerprint });
      return { status: 'new' };
    }
    if (row.fingerprint !== fingerprint) throw keyReused();
    return row.response ? { status: 'done', response: row.response } : { status: 'pending' };
  }
  async complete(key: string, fingerprint: string, response: HttpResponse): Promise<void> {
    this.rows.set(key, { fingerprint, response });
  }
  async release(key: string): Promise<void> {
    if (!this.rows.get(key)?.response) this.rows.delete(key);
  }
}
