import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { Deadline } from '../../shared/domain/deadlines.js';
import { addDays } from '../../shared/domain/calendar.js';
import { InMemoryContactBook } from '../../shared/directory/contacts.js';

/**
 * Seeds the deadlines table directly (fast): one open `pv-transmission` deadline per session, with
 * its mail planned on some day of the coming year, and `due` of them planned on `today`. Items are
 * exactly what the planner writes (same keys and attributes).
 */
export const seedDeadlines = async (client: DynamoDBClient, tableName: string, options: { sessions: number; due: number; today: string; concurrency?: number }) => {
  const requests: WriteRequest[] = [];
  for (let i = 0; i < options.sessions; i += 1) {
    const sessionId = `ses_s${i.toString().padStart(7, '0')}`;
    const streamId = `session-${sessionId}`;
    const isDue = i < options.due;
    // Not due: spread over the next year, never today.
    const mailDay = isDue ? options.today : addDays(options.today, 1 + (i % 365));
    const phase = i % 2 === 0 ? 'remind' : 'alert';
    const dueOn = phase === 'remind' ? addDays(mailDay, 7) : addDays(mailDay, -1);
    const deadline: Deadline = {
      id: `${streamId}/pv-transmission`,
      kind: 'pv-transmission',
      streamId,
      subject: '-',
      label: 'Transmission du procès-verbal signé à l’unité départementale',
      dueOn,
      remindOn: addDays(dueOn, -7),
      remind: ['centre'],
      alert: ['ud'],
      scope: { centreId: `ctr_c${i % 500}`, department: '69', sessionId },
    };
    const sk = `${deadline.id}#${phase}`;
    requests.push({
      PutRequest: {
        Item: {
          pk: { S: streamId },
          sk: { S: sk },
          phase: { S: phase },
          plannedDay: { S: mailDay },
          mailDay: { S: mailDay },
          dueKey: { S: `due#${mailDay}` },
          dueSort: { S: `${streamId}#${sk}` },
          deadline: { S: JSON.stringify(deadline) },
        },
      },
    });
  }
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let batch = chunks[next++] ?? [];
      while (batch.length > 0) {
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
        batch = result.UnprocessedItems?.[tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
};

/** The mailboxes of the 500 centres the seeded deadlines belong to (`ctr_c0` … `ctr_c499`). */
export const seededCentreContacts = (): InMemoryContactBook => {
  const contacts = new InMemoryContactBook();
  for (let i = 0; i < 500; i += 1) contacts.set('centre', `ctr_c${i}`, { email: `centre${i}@example.org`, displayName: `Centre ${i}` });
  return contacts;
};
