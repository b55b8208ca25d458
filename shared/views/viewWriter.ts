import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { AggregateView, CentreNameMark, JurorSessionView } from './model.js';
import { readView, VIEW_SK } from './viewItem.js';

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
 * One item per juror of a session's jury, present or former, in the juror's partition (`pk` = the
 * juror's stream id, `sk` = `session#<sessionId>`), listed in end-date order through `byOwner`
 * (`ownerKey` = `jurorSessions#<jurorId>`, `ownerSort` = `<endDate>#<sessionId>`): the juror's
 * pages read the index, and the order (the session's end date) is an index attribute that can
 * change in place, where a table sort key could only be deleted and written again. The due-date
 * planner reads the partition itself, with a consistent Query: an index answers after a lag, and
 * a juror's commit planned in that lag would miss a session whose planner had just finished.
 * `byOwner` rather than an index of their own: a juror owns their convocations as a centre owns
 * its sessions, and CloudFormation adds one index per table update (`byRegion` is this release's).
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

const JUROR_SESSION_SK = 'session#';

/** Keys of a juror's item for a session, in the juror's partition. */
const jurorSessionKeys = (item: Pick<JurorSessionView, 'jurorId' | 'sessionId' | 'endDate'>): Record<string, string> => ({
  pk: `juror-${item.jurorId}`,
  sk: `${JUROR_SESSION_SK}${item.sessionId}`,
  ownerKey: `jurorSessions#${item.jurorId}`,
  ownerSort: `${item.endDate}#${item.sessionId}`,
});

/** Another writer saved the view in between: read it again and retry. */
export class ViewVersionConflict extends Error {
  override readonly name = 'ViewVersionConflict';
}

/**
 * Writes the views table: what the projector (its `ViewsStore`) and the due-date planner need.
 * The lists and pages the other functions read are in ./dynamoViews.ts, so that neither of these
 * two carries them.
 */
export class DynamoViewWriter {
  constructor(
    protected readonly client: DynamoDBClient,
    protected readonly tableName: string,
  ) {}

  /** The view of a stream, read consistently, for the projector (which folds the domain state from the stream). */
  load(streamId: string): Promise<AggregateView | undefined> {
    return readView(this.client, this.tableName, streamId, true);
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

  /**
   * The sessions a juror sits or sat in (present or former member) that end on `from` or later,
   * from the juror's items for their sessions: the planner replans their habilitation deadlines
   * when the juror's habilitations change. A consistent read of the juror's partition, not of
   * `byOwner`: it finds an item the projector wrote just before, which an index may not show yet.
   */
  async sessionsOfJuror(jurorId: string, from: string): Promise<string[]> {
    const sessionIds: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :session)',
          FilterExpression: 'ownerSort >= :from',
          ExpressionAttributeValues: { ':pk': { S: `juror-${jurorId}` }, ':session': { S: JUROR_SESSION_SK }, ':from': { S: from } },
          ProjectionExpression: 'ownerSort',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const sort = item.ownerSort?.S;
        if (sort?.includes('#')) sessionIds.push(sort.slice(sort.indexOf('#') + 1));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return sessionIds;
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
}
