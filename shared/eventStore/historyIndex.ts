import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { encodeTime } from 'ulid';
import * as z from 'zod/mini';
import { eventTypes, upcast, type StoredEvent } from '../../events/index.js';
import { AppError, type FieldError } from '../errors.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { HistoryQuery, HistoryReader, Page } from './port.js';

/**
 * The history index: one item per event in `history` (pk = event id) indexed by centre,
 * department, region and type, sorted by ULID (time-ordered: time ranges are key ranges). No Scan.
 *
 * Written only by the stream consumer, from each commit's stream record: the history trails the
 * commits by the stream's delay (seconds). Nothing reads its own write through it: a session's
 * timeline is its stream, read from `events` (shared/history/service.ts); the cross-stream
 * searches, the digest and the purge read the index and can trail.
 */

const MIN_ULID = '0'.repeat(26);
const MAX_ULID = 'Z'.repeat(26);

const historyQuerySchema = z.object({
  by: z.union([
    z.strictObject({ centreId: z.string().check(z.minLength(1), z.maxLength(80)) }),
    z.strictObject({ department: z.string().check(z.minLength(1), z.maxLength(3)) }),
    z.strictObject({ region: z.string().check(z.minLength(1), z.maxLength(3)) }),
    z.strictObject({ eventType: z.enum(eventTypes) }),
  ]),
  types: z.optional(z.array(z.enum(eventTypes)).check(z.minLength(1), z.maxLength(30))),
  actorId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  from: z.optional(z.date()),
  to: z.optional(z.date()),
  order: z._default(z.enum(['asc', 'desc']), 'desc'),
  limit: z._default(z.int().check(z.gte(1, { message: '1 au minimum.' }), z.lte(500, { message: '500 au plus.' })), 50),
  cursor: z.optional(z.string().check(z.maxLength(512))),
});

const fieldsOf = (error: z.core.$ZodError): FieldError[] => error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message }));

export interface HistoryIndexReaderOptions {
  readonly client: DynamoDBClient;
  readonly tables: { readonly history: string };
  /** Signs history cursors (HMAC-SHA256); at least 32 characters. */
  readonly cursorSecret: string;
}

/** Queries of the history index, one page at a time, with cursors signed over the query. */
export class HistoryIndexReader implements HistoryReader {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly cursorSecret: string;

  constructor(options: HistoryIndexReaderOptions) {
    if (options.cursorSecret.length < 32) throw new Error('cursorSecret must hold at least 32 characters');
    this.client = options.client;
    this.table = options.tables.history;
    this.cursorSecret = options.cursorSecret;
  }

  async history(query: HistoryQuery): Promise<Page<StoredEvent>> {
    const parsed = historyQuerySchema.safeParse(query);
    if (!parsed.success) throw new AppError('history.query.invalid', 'validation', 'Recherche invalide.', fieldsOf(parsed.error));
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
        TableName: this.table,
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
      const output = await this.client.send(new QueryCommand(input));
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
}

const indexOf = (by: HistoryQuery['by']): { name: string; attribute: string; value: string } => {
  if ('centreId' in by) return { name: 'byCentre', attribute: 'centreKey', value: by.centreId };
  if ('department' in by) return { name: 'byDepartment', attribute: 'departmentKey', value: by.department };
  if ('region' in by) return { name: 'byRegion', attribute: 'regionKey', value: by.region };
  return { name: 'byType', attribute: 'typeKey', value: by.eventType };
};

/** The smallest ('0') or largest ('Z') ULID of the millisecond of `instant`. */
const ulidBound = (instant: Date, fill: '0' | 'Z') => encodeTime(Math.max(0, instant.getTime()), 10) + fill.repeat(16);
