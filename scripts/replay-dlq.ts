/**
 * `npm run replay-dlq`: sends again every mail of the dead-letter (outbox items with status dead,
 * listed by the sparse `deadLetters` index). Each goes through the same delivery as the first time:
 * claimed in the outbox, so a mail already sent is never sent twice. Exit 0 when none is left dead.
 *
 * In AWS run it with the mail functions' variables; without them it targets the offline runtime
 * (`--dynamodb http://127.0.0.1:4567 --ses http://127.0.0.1:8005`).
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { DeliveryOutcome } from '../shared/mail/sender.js';
import type { OutboxEntry } from '../shared/mail/outbox.js';
import type { OutgoingMail } from '../shared/mail/model.js';

export interface DeadLetters {
  listDead(limit?: number): Promise<OutboxEntry[]>;
}
export interface Resender {
  deliver(mail: OutgoingMail, options: { readonly revive?: boolean }): Promise<DeliveryOutcome>;
}

export interface ReplayReport {
  readonly replayed: number;
  readonly sent: number;
  readonly alreadySent: number;
  readonly stillDead: number;
  /** Being sent right now by another delivery (the retry queue): left to it. */
  readonly inFlight: number;
}

/** Replays the dead mails page by page until none is left or a page brings nothing back to life. */
export const replayDeadLetters = async (outbox: DeadLetters, delivery: Resender): Promise<ReplayReport> => {
  let replayed = 0;
  let sent = 0;
  let alreadySent = 0;
  let inFlight = 0;
  const seen = new Set<string>();
  for (;;) {
    const dead = (await outbox.listDead(100)).filter((entry) => !seen.has(entry.mail.id));
    if (dead.length === 0) break;
    for (const entry of dead) {
      seen.add(entry.mail.id);
      replayed += 1;
      let outcome: DeliveryOutcome;
      try {
        outcome = await delivery.deliver(entry.mail, { revive: true });
      } catch (error) {
        if (!(error instanceof Error && error.name === 'MailInFlightError')) throw error;
        inFlight += 1;
        continue;
      }
      if (outcome === 'sent') sent += 1;
      if (outcome === 'already-sent') alreadySent += 1;
    }
  }
  const stillDead = (await outbox.listDead(100)).length;
  return { replayed, sent, alreadySent, stillDead, inFlight };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { dynamodb: { type: 'string', default: 'http://127.0.0.1:4567' }, ses: { type: 'string', default: 'http://127.0.0.1:8005' } } });
  const { tableEnv, ENV } = await import('../shared/platform/env.js');
  if (process.env[tableEnv.outbox] === undefined) {
    const { tableNameMap } = await import('../shared/platform/provision.js');
    const { LOCAL_STAGE, LOCAL_MAIL_FROM } = await import('../infra/offline/index.js');
    const names = tableNameMap(LOCAL_STAGE);
    Object.assign(process.env, {
      ...Object.fromEntries(Object.entries(tableEnv).map(([table, name]) => [name, names[table as keyof typeof names]])),
      [ENV.DYNAMODB_ENDPOINT]: values.dynamodb,
      [ENV.SES_ENDPOINT]: values.ses,
      [ENV.MAIL_FROM]: LOCAL_MAIL_FROM,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
  }
  const { reactionsFromEnv } = await import('../shared/mail/wiring.js');
  const { DynamoOutbox } = await import('../shared/mail/outbox.js');
  const { createDynamoClient } = await import('../shared/aws/clients.js');
  const outbox = new DynamoOutbox(createDynamoClient({ endpoint: process.env[ENV.DYNAMODB_ENDPOINT] }), process.env[tableEnv.outbox] ?? '');
  const report = await replayDeadLetters(outbox, reactionsFromEnv().delivery(false));
  console.log(`Courriels rejoués : ${report.replayed} (${report.sent} envoyés, ${report.alreadySent} déjà partis), encore en échec : ${report.stillDead}.`);
  process.exit(report.stillDead === 0 ? 0 : 1);
}
