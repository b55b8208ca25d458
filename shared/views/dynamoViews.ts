import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { AppError } from '../errors.js';
import type { AgrementView, AggregateView, CentreBehind, TitreView, JurorSessionView, JurorView, Page, ProgrammeView, SessionView } from './model.js';
import type { JurorListOptions, ListOptions, RegionListOptions, ViewsReader } from './port.js';
import { parseView, readSessionView, readView } from './viewItem.js';
import { DynamoViewWriter } from './viewWriter.js';

/** Round trips a filtered list may make to fill one page, so a rare status cannot make a page slow. */
const MAX_FILTERED_ROUNDS = 5;

interface IndexQuery {
  readonly index: string;
  readonly partition: readonly [attribute: string, value: string];
  readonly sortAttribute: string;
  /** A condition on the index's sort key. */
  readonly range?: { readonly operator: '>=' | '<'; readonly value: string };
  readonly ascending: boolean;
  /** A filter on plain attributes, applied by DynamoDB after the key condition. */
  readonly filter?: { readonly expression: string; readonly names: Record<string, string>; readonly values: Record<string, AttributeValue> };
}

const encodeCursor = (key: Record<string, AttributeValue> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined);

const decodeCursor = (cursor: string | undefined, partitionAttribute: string, partitionValue: string): Record<string, AttributeValue> | undefined => {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, AttributeValue>;
    // A cursor only moves within the list it came from: a forged one cannot reach another centre's items.
    if (key[partitionAttribute]?.S !== partitionValue) throw new Error('foreign cursor');
    return key;
  } catch (error) {
    throw invalidCursor(error);
  }
};

/** An index key's value as DynamoDB takes it back: a string alone, neither empty nor past the 1,024 bytes of a sort key. */
const isKeyString = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null) return false;
  const { S, ...others } = value as { S?: unknown };
  return typeof S === 'string' && S.length > 0 && Buffer.byteLength(S) <= 1024 && Object.keys(others).length === 0;
};

const invalidCursor = (cause?: unknown) =>
  new AppError('cursor.invalid', 'validation', 'Le curseur de pagination est invalide.', [{ field: 'cursor', message: 'Curseur invalide.' }], cause ? { cause } : undefined);

/**
 * Reads and writes the views table (its layout: ./viewWriter.ts): the writer's methods, and the
 * lists and pages the reader port (the pages, the API) asks for.
 */
export class DynamoViews extends DynamoViewWriter implements ViewsReader {
  private loadView(streamId: string): Promise<AggregateView | undefined> {
    return readView(this.client, this.tableName, streamId);
  }

  /** Every view under one owner key of the `byOwner` index, in sort order, page after page. */
  private async listOwned<T>(ownerKey: string): Promise<T[]> {
    const views: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.queryPage<T>(
        { index: 'byOwner', partition: ['ownerKey', ownerKey], sortAttribute: 'ownerSort', ascending: true },
        { limit: 200, ...(cursor ? { cursor } : {}) },
      );
      views.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return views;
  }

  /**
   * One page of an index, in order, optionally filtered. A filtered page is filled by reading on
   * (bounded by MAX_FILTERED_ROUNDS) and its cursor is the key of its last item, so the next page
   * starts right after it whatever DynamoDB read past it.
   */
  private async queryPage<T>(query: IndexQuery, options: ListOptions): Promise<Page<T>> {
    const [attribute, value] = query.partition;
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    let start = decodeCursor(options.cursor, attribute, value);
    // DynamoDB answers a malformed start key with an error (a 500 here): a cursor must be exactly an
    // index key, and one of the other half of a list (past for upcoming) is outside its condition.
    const keyNames = ['pk', 'sk', attribute, query.sortAttribute];
    const resumeSort = start?.[query.sortAttribute]?.S;
    if (
      start &&
      (Object.keys(start).length !== keyNames.length ||
        !keyNames.every((name) => isKeyString(start?.[name])) ||
        (query.range && !(query.range.operator === '>=' ? (resumeSort ?? '') >= query.range.value : (resumeSort ?? '') < query.range.value)))
    ) {
      throw invalidCursor();
    }
    const names: Record<string, string> = { '#p': attribute, ...(query.range ? { '#s': query.sortAttribute } : {}), ...(query.filter?.names ?? {}) };
    const values: Record<string, AttributeValue> = { ':p': { S: value }, ...(query.range ? { ':s': { S: query.range.value } } : {}), ...(query.filter?.values ?? {}) };
    const found: Record<string, AttributeValue>[] = [];
    for (let round = 0; round < (query.filter ? MAX_FILTERED_ROUNDS : 1); round += 1) {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: query.index,
          KeyConditionExpression: query.range ? `#p = :p AND #s ${query.range.operator} :s` : '#p = :p',
          ...(query.filter ? { FilterExpression: query.filter.expression } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: query.ascending,
          Limit: query.filter ? Math.max(limit, 25) : limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      found.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
      if (found.length >= limit || !start) break;
    }
    const items = found.slice(0, limit);
    const last = items.at(-1);
    const resumeAt =
      found.length >= limit && last ? Object.fromEntries(['pk', 'sk', attribute, query.sortAttribute].flatMap((name) => (last[name] ? [[name, last[name]] as const] : []))) : start;
    const nextCursor = encodeCursor(resumeAt);
    return { items: items.map((item) => parseView<T>(item)).filter((view): view is T => view !== undefined), ...(nextCursor ? { nextCursor } : {}) };
  }

  getSessionView(sessionId: string): Promise<SessionView | undefined> {
    return readSessionView(this.client, this.tableName, sessionId);
  }

  async listSessionsOfCentre(centreId: string, options: ListOptions & { readonly statuses?: readonly SessionView['status'][] } = {}): Promise<Page<SessionView>> {
    const page = await this.queryPage<SessionView>({ index: 'byOwner', partition: ['ownerKey', `centre#${centreId}`], sortAttribute: 'ownerSort', ascending: false }, options);
    const { statuses } = options;
    return statuses ? { ...page, items: page.items.filter((s) => statuses.includes(s.status)) } : page;
  }

  listSessionsOfDepartment(department: string, options: ListOptions & { readonly startsBefore?: string } = {}): Promise<Page<SessionView>> {
    // `deptSort` is `<start>#<id>`: every key of a session starting on `startsBefore` sorts after the bare date.
    const range = options.startsBefore ? { range: { operator: '<' as const, value: options.startsBefore } } : {};
    return this.queryPage<SessionView>({ index: 'byDepartment', partition: ['deptKey', `dept#${department}`], sortAttribute: 'deptSort', ascending: false, ...range }, options);
  }

  async listSessionsOfRegion(region: string, options: RegionListOptions = {}): Promise<Page<SessionView>> {
    const statuses = options.statuses ?? [];
    const filter =
      statuses.length > 0
        ? {
            expression: `#status IN (${statuses.map((_, i) => `:status${i}`).join(', ')})`,
            names: { '#status': 'sessionStatus' },
            values: Object.fromEntries(statuses.map((status, i) => [`:status${i}`, { S: status }])),
          }
        : undefined;
    // A department's sessions are its own index already; the region's index serves the rest.
    const index: Pick<IndexQuery, 'index' | 'partition' | 'sortAttribute'> = options.department
      ? { index: 'byDepartment', partition: ['deptKey', `dept#${options.department}`], sortAttribute: 'deptSort' }
      : { index: 'byRegion', partition: ['regionKey', `region#${region}`], sortAttribute: 'regionSort' };
    const page = await this.queryPage<SessionView>({ ...index, ascending: false, ...(filter ? { filter } : {}) }, options);
    // The caller checked that the department is in the region; the views say so too, or nothing shows.
    return { ...page, items: page.items.filter((view) => view.region === region) };
  }

  listSessionsOfJuror(jurorId: string, options: JurorListOptions): Promise<Page<JurorSessionView>> {
    const upcoming = options.when === 'upcoming';
    return this.queryPage<JurorSessionView>(
      {
        index: 'byOwner',
        partition: ['ownerKey', `jurorSessions#${jurorId}`],
        sortAttribute: 'ownerSort',
        // Sorted by end date: a session that ends today is still to come; `<endDate>#…` >= `<today>`.
        range: { operator: upcoming ? '>=' : '<', value: options.today },
        ascending: upcoming,
      },
      options,
    );
  }

  listPvToInstruct(department: string, options: ListOptions = {}): Promise<Page<SessionView>> {
    return this.queryPage<SessionView>({ index: 'toInstruct', partition: ['instructKey', `instruct#${department}`], sortAttribute: 'instructSort', ascending: true }, options);
  }

  async getJurorView(jurorId: string): Promise<JurorView | undefined> {
    const view = await this.loadView(`juror-${jurorId}`);
    return view?.kind === 'juror' ? view : undefined;
  }

  async listJurors(department: string, titreCode?: string): Promise<readonly JurorView[]> {
    const jurors = await this.listOwned<JurorView>(`jurors#${department}`);
    return titreCode ? jurors.filter((j) => j.habilitations.some((h) => h.titreCode === titreCode)) : jurors;
  }

  async getProgrammeView(centreId: string, year: number): Promise<ProgrammeView | undefined> {
    const view = await this.loadView(`programme-${centreId}-${year}`);
    return view?.kind === 'programme' ? view : undefined;
  }

  async getAgrementView(centreId: string): Promise<AgrementView | undefined> {
    const view = await this.loadView(`agrement-${centreId}`);
    return view?.kind === 'agrement' ? view : undefined;
  }

  async listAgrements(region: string, department?: string): Promise<readonly AgrementView[]> {
    const agrements = await this.listOwned<AgrementView>(`agrements#${region}`);
    return department ? agrements.filter((agrement) => agrement.department === department) : agrements;
  }

  listTitres(): Promise<readonly TitreView[]> {
    return this.listOwned<TitreView>('titres');
  }

  async listCentresBehind(department: string, year: number): Promise<readonly CentreBehind[]> {
    const centres: { readonly centreId: string; readonly centreName?: string }[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byOwner',
          KeyConditionExpression: 'ownerKey = :p',
          ExpressionAttributeValues: { ':p': { S: `centres#${department}` } },
          ProjectionExpression: 'ownerSort, centreName',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of result.Items ?? []) if (item.ownerSort?.S) centres.push({ centreId: item.ownerSort.S, ...(item.centreName?.S ? { centreName: item.centreName.S } : {}) });
      start = result.LastEvaluatedKey;
    } while (start);
    const behind: CentreBehind[] = [];
    for (const centre of centres) {
      const programme = await this.getProgrammeView(centre.centreId, year);
      if (!programme?.submission) behind.push({ ...centre, year, reason: 'no-programme' });
      else if (!programme.submission.onTime) behind.push({ ...centre, year, reason: 'programme-late' });
    }
    return behind;
  }
}
