import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { fromItem, toKey } from '../aws/attributes.js';
import { ulidBound } from '../platform/ids.js';
import type { StoredEvent } from '../../events/index.js';
import { eventTypeNames, upcast } from '../../events/versions.js';
import { AppError, type FieldError } from '../errors.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { decodeCursor, encodeCursor, PAGE_EVENT_BYTES } from './cursor.js';
import type { HistoryQuery, HistoryReader, Page } from './port.js';

/**
 * The history index: one item per event in `history` (pk = event id) indexed by centre,
 * department, region and type, sorted by ULID (time-ordered: time ranges are key ranges). No Scan.
 *
 * Written only by the stream consumer, from each commit's stream record: the history trails the
 * commits by the stream's delay (seconds). Nothing reads its own write through it: a session's
 * timeline is its stream, read from `events` (shared/history/service.ts); the cross-stream
 * searches, the digest and the purge read the index and can trail.
 *
 * A page holds the query's limit of events, or fewer when they would weigh more than
 * PAGE_EVENT_BYTES (a Lambda response's limit): only `nextCursor` tells that more follow.
 */

const MIN_ULID = '0'.repeat(26);
const MAX_ULID = 'Z'.repeat(26);

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const knownTypes: ReadonlySet<string> = new Set(eventTypeNames);
// Each key of the index and the longest value it takes.
const keyLengths: Readonly<Record<string, number>> = { centreId: 80, department: 3, region: 3 };

/**
 * The query as the reader runs it (order and limit defaulted), or a validation error naming each
 * field. Its callers are the history function, which validated the user's parameters at its edge
 * (shared/history/query.ts), and the retention purge, which builds its queries: these checks keep
 * a caller's mistake from reaching DynamoDB, with plain code rather than a schema library.
 */
const checkedQuery = (query: HistoryQuery): HistoryQuery & { readonly order: 'asc' | 'desc'; readonly limit: number } => {
  const fields: FieldError[] = [];
  const text = (field: string, value: unknown, max: number) => {
    if (typeof value !== 'string' || value.length < 1 || value.length > max) fields.push({ field, message: `Texte de 1 à ${max} caractères attendu.` });
  };
  const by = Object.entries(query.by as unknown as Record<string, unknown>);
  const [key, value] = by[0] ?? [];
  if (by.length !== 1 || key === undefined) fields.push({ field: 'by', message: 'Un critère et un seul : centre, département, région ou type d’événement.' });
  else if (key === 'eventType') {
    if (typeof value !== 'string' || !knownTypes.has(value)) fields.push({ field: 'by.eventType', message: 'Type d’événement inconnu.' });
  } else if (keyLengths[key] !== undefined) text(`by.${key}`, value, keyLengths[key]);
  else fields.push({ field: `by.${key}`, message: 'Critère inconnu.' });
  if (query.types !== undefined && (query.types.length < 1 || query.types.length > 30 || !query.types.every((type) => knownTypes.has(type))))
    fields.push({ field: 'types', message: 'De 1 à 30 types d’événements connus.' });
  if (query.actorId !== undefined) text('actorId', query.actorId, 128);
  for (const field of ['from', 'to'] as const) {
    const date = query[field];
    if (date !== undefined && !(date instanceof Date && !Number.isNaN(date.getTime()))) fields.push({ field, message: 'Date invalide.' });
  }
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') fields.push({ field: 'order', message: '« asc » ou « desc » attendu.' });
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit)) fields.push({ field: 'limit', message: 'Nombre entier attendu.' });
  else if (limit < 1) fields.push({ field: 'limit', message: '1 au minimum.' });
  else if (limit > MAX_LIMIT) fields.push({ field: 'limit', message: `${MAX_LIMIT} au plus.` });
  if (query.cursor !== undefined && (typeof query.cursor !== 'string' || query.cursor.length > 512)) fields.push({ field: 'cursor', message: 'Curseur invalide.' });
  if (fields.length > 0) throw new AppError('history.query.invalid', 'validation', 'Recherche invalide.', fields);
  return { ...query, order, limit };
};

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
    const q = checkedQuery(query);
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
    let bytes = 0;
    // The page ends at its size or its byte budget; an item found beyond tells that a next page exists.
    let more = false;
    let startKey: Record<string, AttributeValue> | undefined;
    while (!more) {
      const needed = q.limit + 1 - collected.length;
      const input: QueryCommandInput = {
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toKey(values),
        ScanIndexForward: q.order === 'asc',
        // Filters apply after the limit: read ahead when filtering, exactly what is needed otherwise.
        Limit: filters.length > 0 ? Math.max(needed, 100) : needed + (after !== undefined && collected.length === 0 ? 1 : 0),
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      const output = await this.client.send(new QueryCommand(input));
      for (const raw of output.Items ?? []) {
        const item = fromItem(raw) as { eventId: string; event: string };
        if (item.eventId === after) continue;
        const size = Buffer.byteLength(item.event);
        if (collected.length === q.limit || (collected.length > 0 && bytes + size > PAGE_EVENT_BYTES)) {
          more = true;
          break;
        }
        bytes += size;
        collected.push(upcast(JSON.parse(item.event) as StoredEvent) as StoredEvent);
      }
      startKey = output.LastEvaluatedKey;
      if (!startKey) break;
    }
    const last = collected.at(-1);
    return more && last ? { items: collected, nextCursor: encodeCursor(this.cursorSecret, fingerprint, last.id) } : { items: collected };
  }
}

const indexOf = (by: HistoryQuery['by']): { name: string; attribute: string; value: string } => {
  if ('centreId' in by) return { name: 'byCentre', attribute: 'centreKey', value: by.centreId };
  if ('department' in by) return { name: 'byDepartment', attribute: 'departmentKey', value: by.department };
  if ('region' in by) return { name: 'byRegion', attribute: 'regionKey', value: by.region };
  return { name: 'byType', attribute: 'typeKey', value: by.eventType };
};
