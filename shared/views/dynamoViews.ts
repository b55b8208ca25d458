import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { AppError } from '../errors.js';
import type { AgrementView, AggregateView, CentreBehind, TitreView, CentreNameMark, JurorSessionView, JurorView, Page, ProgrammeView, SessionView } from './model.js';
import type { JurorListOptions, ListOptions, RegionListOptions, ViewsReader } from './port.js';
import { parseView, readSessionView, readView, VIEW_SK } from './viewItem.js';

/**
 * The views table in DynamoDB. One item per aggregate (`pk` = its stream id, `sk` = `view`) holding
 * the view as JSON and, as plain attributes, the keys of the indexes the pages query:
 * - `byOwner` (`ownerKey`, `ownerSort`): a centre's sessions (`centre#<id>`, `<start>#<id>`), a
 *   department's jurors (`jurors#<dept>`, `<jurorId>`), a department's centres (`centres#<dept>`),
 *   a region's agréments (`agrements#<region>`, `<dept>#<centreId>`), the titres (`titres`, `<code>`);
 * - `byDepartment` (`deptKey`, `deptSort`): a department's sessions;
 * - `byRegion` (`regionKey`, `regionSort`): a region's sessions, for the regional admin;
 * - `toInstruct` (`instructKey`, `instructSort`): sparse, only sessions whose PV waits for the UD.
 * A session's item also carries `sessionStatus`, which the region's status filter reads.
 *
 * Beside each session's view, one item per juror of its jury, present or former (`pk` = the
 * session's stream id, `sk` = `juror#<jurorId>`), listed through `byOwner` (`ownerKey` =
 * `jurorSessions#<jurorId>`, `ownerSort` = `<endDate>#<sessionId>`). In the session's partition
 * rather than the juror's: the projector writes them with the session's view, and their order (the
 * session's end date) is an index attribute that can change in place, where a table sort key could
 * only be deleted and written again. `byOwner` rather than an index of their own: a juror owns
 * their convocations as a centre owns its sessions, and CloudFormation adds one index per table
 * update (`byRegion` is this release's).
 */
const viewKeys = (view: AggregateView): Record<string, string> => {
  switch (view.kind) {
    case 'session': {
      const sort = `${view.startDate}#${view.sessionId}`;
      return {
        pk: `session-${view.sessionId}`,
        ownerKey: `centre#${view.centreId}`,
        ownerSort: sort,
        deptKey: `dept#${view.department}`,
        deptSort: sort,
        regionKey: `region#${view.region}`,
        regionSort: sort,
        ...(view.status === 'pv-transmitted' ? { instructKey: `instruct#${view.department}`, instructSort: `${view.pv?.transmittedOn ?? view.endDate}#${view.sessionId}` } : {}),
      };
    }
    case 'juror':
      return { pk: `juror-${view.jurorId}`, ownerKey: `jurors#${view.department}`, ownerSort: view.jurorId };
    case 'programme':
      return { pk: `programme-${view.centreId}-${view.year}`, ownerKey: `programmes#${view.centreId}`, ownerSort: String(view.year) };
    case 'agrement':
      return { pk: `agrement-${view.centreId}`, ownerKey: `agrements#${view.region}`, ownerSort: `${view.department}#${view.centreId}` };
    case 'titre':
      return { pk: `titre-${view.code}`, ownerKey: 'titres', ownerSort: view.code };
  }
};

/** Keys of a juror's item beside the session's view. */
const jurorSessionKeys = (item: Pick<JurorSessionView, 'jurorId' | 'sessionId' | 'endDate'>): Record<string, string> => ({
  pk: `session-${item.sessionId}`,
  sk: `juror#${item.jurorId}`,
  ownerKey: `jurorSessions#${item.jurorId}`,
  ownerSort: `${item.endDate}#${item.sessionId}`,
});

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

/** Another writer saved the view in between: read it again and retry. */
export class ViewVersionConflict extends Error {
  override readonly name = 'ViewVersionConflict';
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

const invalidCursor = (cause?: unknown) =>
  new AppError('cursor.invalid', 'validation', 'Le curseur de pagination est invalide.', [{ field: 'cursor', message: 'Curseur invalide.' }], cause ? { cause } : undefined);

/** Reads and writes the views table; the reader half is the port the pages use. */
export class DynamoViews implements ViewsReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** The view of a stream, read consistently, for the projector (which folds the domain state from the stream). */
  load(streamId: string): Promise<AggregateView | undefined> {
    return readView(this.client, this.tableName, streamId, true);
  }

  private loadView(streamId: string): Promise<AggregateView | undefined> {
    return readView(this.client, this.tableName, streamId);
  }

  /**
   * Saves a view if nobody saved another version in between (`expectedVersion` is the version read,
   * undefined for a new view). Throws ViewVersionConflict otherwise.
   */
  async save(view: AggregateView, expectedVersion: number | undefined): Promise<void> {
    const item: Record<string, AttributeValue> = {
      sk: { S: VIEW_SK },
      version: { N: String(view.version) },
      view: { S: JSON.stringify(view) },
    };
    for (const [name, value] of Object.entries(viewKeys(view))) item[name] = { S: value };
    if (view.kind === 'session') item.sessionStatus = { S: view.status };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ViewVersionConflict(`View ${item.pk?.S} changed`, { cause: error });
      throw error;
    }
  }

  /**
   * Writes juror items unless a newer one is there: an item stamped with a later event wins, an
   * equal one is written again (a retry after a crash), an older write is dropped silently.
   */
  async saveJurorSessions(items: readonly JurorSessionView[]): Promise<void> {
    for (const view of items) {
      const item: Record<string, AttributeValue> = { version: { N: String(view.version) }, view: { S: JSON.stringify(view) } };
      for (const [name, value] of Object.entries(jurorSessionKeys(view))) item[name] = { S: value };
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk) OR version <= :version',
            ExpressionAttributeValues: { ':version': { N: String(view.version) } },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  /**
   * Records that a centre works in a department (idempotent), for `listCentresBehind`, with its
   * name when the event gave one. An update, not a put, so that an event without a name keeps the
   * name another gave; a name older (by event id) than the one there is dropped, so a redelivered
   * or reordered event never brings back a former name.
   */
  async markCentre(centreId: string, department: string, name?: CentreNameMark): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: `centre-${centreId}` }, sk: { S: `dept#${department}` } },
          UpdateExpression: name ? 'SET ownerKey = :o, ownerSort = :s, centreName = :n, centreNameEventId = :e' : 'SET ownerKey = :o, ownerSort = :s',
          ExpressionAttributeValues: {
            ':o': { S: `centres#${department}` },
            ':s': { S: centreId },
            ...(name ? { ':n': { S: name.centreName }, ':e': { S: name.eventId } } : {}),
          },
          ...(name ? { ConditionExpression: 'attribute_not_exists(centreNameEventId) OR centreNameEventId <= :e' } : {}),
        }),
      );
    } catch (error) {
      // A newer name is there: the item exists, keys included, and keeps it.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Records that a planned session was created in CERES (idempotent): its creation deadline closes. */
  async markPlannedSessionCreated(plannedSessionId: string, sessionId: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: { pk: { S: `planned-${plannedSessionId}` }, sk: { S: 'created' }, sessionId: { S: sessionId } } }),
    );
  }

  /** Which of these planned sessions were created in CERES. */
  async createdPlannedSessions(plannedSessionIds: readonly string[]): Promise<Set<string>> {
    const created = new Set<string>();
    for (const id of plannedSessionIds) {
      const { Item } = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: `planned-${id}` }, sk: { S: 'created' } }, ProjectionExpression: 'pk' }),
      );
      if (Item) created.add(id);
    }
    return created;
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
        !keyNames.every((name) => typeof start?.[name]?.S === 'string') ||
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
