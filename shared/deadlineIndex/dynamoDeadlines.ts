import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { Deadline } from '../domain/deadlines.js';

/**
 * The due-date index of open deadlines. One item per deadline and per mail day:
 * `pk` = the aggregate's stream id, `sk` = `<deadline id>#remind` or `#alert`; while its mail is not
 * sent the item carries `dueKey` = `due#<day>` (sparse index `byDueDate`, sorted by `dueSort`), so
 * the daily run queries the day's key and reads exactly what is due. Sending removes `dueKey`;
 * closing the deadline deletes the items.
 */
type Phase = 'remind' | 'alert';

export interface DueItem {
  readonly pk: string;
  readonly sk: string;
  readonly phase: Phase;
  /** The day the rules plan the mail for; part of the mail id, so a moved due date mails again. */
  readonly plannedDay: string;
  /** The day the run picks it up (today when the planned day had already passed at planning time). */
  readonly mailDay: string;
  readonly deadline: Deadline;
}

export interface DueRead {
  readonly items: readonly DueItem[];
  /** Items DynamoDB read (`ScannedCount`), and capacity units consumed (`ReturnConsumedCapacity`). */
  readonly itemsRead: number;
  readonly capacityUnits: number;
}

const CONTROL_PK = 'run#daily';

export class DynamoDeadlineIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /**
   * Makes the index hold exactly the mails due for these open deadlines of one aggregate. A mail
   * already sent for the same deadline, phase and day stays sent; a moved due date replans it; a
   * closed deadline's items are deleted. A mail day already past (a deadline planned late) moves to
   * the next run: today's, or tomorrow's when today's run has gone, so it still reminds or alerts.
   */
  async sync(streamId: string, open: readonly Deadline[], today: string): Promise<void> {
    const existing = new Map<string, { mailDay: string; sent: boolean }>();
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: streamId } },
          ProjectionExpression: 'sk, mailDay, plannedDay, sentOn',
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk?.S) existing.set(item.sk.S, { mailDay: item.plannedDay?.S ?? item.mailDay?.S ?? '', sent: Boolean(item.sentOn?.S) });
      }
      start = page.LastEvaluatedKey;
    } while (start);

    const desired = new Map<string, { phase: Phase; plannedDay: string; deadline: Deadline }>();
    for (const deadline of open) {
      // No reminder once the due date has passed: the alert says it.
      if (deadline.dueOn >= today) desired.set(`${deadline.id}#remind`, { phase: 'remind', plannedDay: deadline.remindOn, deadline });
      desired.set(`${deadline.id}#alert`, { phase: 'alert', plannedDay: nextDay(deadline.dueOn), deadline });
    }

    // A mail day the run has already passed (planned late, or today after this morning's run) goes to the next run.
    const last = await this.lastCompletedDay();
    const earliest = last && last >= today ? nextDay(today) : today;
    const writes: WriteRequest[] = [];
    for (const sk of existing.keys()) if (!desired.has(sk)) writes.push({ DeleteRequest: { Key: { pk: { S: streamId }, sk: { S: sk } } } });
    for (const [sk, want] of desired) {
      const have = existing.get(sk);
      // Same plan: keep it as it is, sent or not (a sent mail is never planned again).
      if (have && have.mailDay === want.plannedDay) continue;
      const mailDay = want.plannedDay < earliest ? earliest : want.plannedDay;
      writes.push({
        PutRequest: {
          Item: {
            pk: { S: streamId },
            sk: { S: sk },
            phase: { S: want.phase },
            plannedDay: { S: want.plannedDay },
            mailDay: { S: mailDay },
            dueKey: { S: `due#${mailDay}` },
            dueSort: { S: `${streamId}#${sk}` },
            deadline: { S: JSON.stringify(want.deadline) },
          },
        },
      });
    }
    for (let i = 0; i < writes.length; i += 25) {
      let batch: WriteRequest[] = writes.slice(i, i + 25);
      for (let attempt = 0; batch.length > 0; attempt += 1) {
        if (attempt > 8) throw new Error(`Deadline index write for ${streamId} kept being throttled`);
        const result = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: batch } }));
        batch = result.UnprocessedItems?.[this.tableName] ?? [];
        if (batch.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  /** The mails planned for one day and not sent yet: a Query on the day's key, never a Scan. */
  async due(day: string): Promise<DueRead> {
    const items: DueItem[] = [];
    let itemsRead = 0;
    let capacityUnits = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byDueDate',
          KeyConditionExpression: 'dueKey = :due',
          ExpressionAttributeValues: { ':due': { S: `due#${day}` } },
          ReturnConsumedCapacity: 'TOTAL',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      itemsRead += page.ScannedCount ?? page.Items?.length ?? 0;
      capacityUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
      for (const item of page.Items ?? []) {
        if (!item.pk?.S || !item.sk?.S || !item.deadline?.S) continue;
        items.push({
          pk: item.pk.S,
          sk: item.sk.S,
          phase: item.phase?.S === 'alert' ? 'alert' : 'remind',
          plannedDay: item.plannedDay?.S ?? day,
          mailDay: item.mailDay?.S ?? day,
          deadline: JSON.parse(item.deadline.S) as Deadline,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { items, itemsRead, capacityUnits };
  }

  /**
   * The mails of an item went out: it leaves the due index (a rerun reads nothing). A deleted
   * (closed) item stays deleted, and an item the planner moved to another day since the run read it
   * stays due on that day: its new reminder is not marked sent by the old one's.
   */
  async markSent(item: DueItem, today: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: item.pk }, sk: { S: item.sk } },
          UpdateExpression: 'SET sentOn = :today REMOVE dueKey, dueSort',
          // Items written before plannedDay existed carry their day in mailDay only.
          ConditionExpression: 'attribute_exists(pk) AND (plannedDay = :planned OR (attribute_not_exists(plannedDay) AND mailDay = :mailDay))',
          ExpressionAttributeValues: { ':today': { S: today }, ':planned': { S: item.plannedDay }, ':mailDay': { S: item.mailDay } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Last day the run completed, so a missed day (an outage) is caught up at the next run. */
  async lastCompletedDay(): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: CONTROL_PK }, sk: { S: 'last' } }, ConsistentRead: true }));
    return Item?.day?.S;
  }

  async recordCompletedDay(day: string): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: { S: CONTROL_PK }, sk: { S: 'last' }, day: { S: day } },
          ConditionExpression: 'attribute_not_exists(#d) OR #d < :day',
          ExpressionAttributeNames: { '#d': 'day' },
          ExpressionAttributeValues: { ':day': { S: day } },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }
}

const nextDay = (date: string): string => {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString().slice(0, 10);
};
