/**
 * `npm run replay-dlq`: sends again every mail of the dead-letter (outbox items with status dead,
 * listed by the sparse `deadLetters` index), then the mails stuck `sending` (claimed by a sender
 * that died more than a lease ago, listed by the same index: the `mailSweep` schedule does this
 * every 15 minutes; the command does it now, without a bound). Each goes through the same delivery
 * as the first time: claimed in the outbox, so a mail already sent is never sent twice. Exit 0 when
 * none is left dead or stuck.
 *
 * In AWS run it with the mail functions' variables; without them it targets the offline runtime
 * (`--dynamodb http://127.0.0.1:4567 --ses http://127.0.0.1:8005`). Offline, where the runtime's
 * clock may have been moved (`npm start -- --now …`), `--now <date>` gives the same present, so a
 * claim is judged stale by the clock that wrote it.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { DeliveryOutcome } from '../shared/mail/sender.js';
import type { DeadMailsPage, OutboxCursor } from '../shared/mail/outbox.js';
import type { OutgoingMail } from '../shared/mail/model.js';
import { sweepStaleMails, type StaleClaims, type SweepReport } from '../shared/mail/sweeper.js';
import { systemClock, type Clock } from '../shared/platform/clock.js';

export interface DeadLetters extends StaleClaims {
  listDead(options?: { readonly limit?: number; readonly cursor?: OutboxCursor }): Promise<DeadMailsPage>;
}
export interface Resender {
  deliver(mail: OutgoingMail, options?: { readonly revive?: boolean }): Promise<DeliveryOutcome>;
}

export interface ReplayReport {
  readonly replayed: number;
  readonly sent: number;
  readonly alreadySent: number;
  readonly stillDead: number;
  /** Being sent right now by another delivery (the retry queue): left to it. */
  readonly inFlight: number;
  /** The mails stuck `sending` past the lease ("bloqués en cours d'envoi"), resent after the dead ones. */
  readonly stuck: SweepReport;
}

/** Far more than a run ever meets: the command is run by a person, who wants everything done. */
const STUCK_MAX = 10_000;
/** Index items read per query. */
const PAGE_SIZE = 100;

/** The dead mails page after page of the `deadLetters` index (following its LastEvaluatedKey), however many. */
async function* deadPages(outbox: DeadLetters): AsyncGenerator<DeadMailsPage> {
  let cursor: OutboxCursor | undefined;
  do {
    const page = await outbox.listDead({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    yield page;
    cursor = page.next;
  } while (cursor !== undefined);
}

/**
 * Replays every dead mail once, in one pass over the index (a mail SES refuses again stays dead at
 * the same place in the index, behind the cursor: it is not met twice), then the stuck ones (a
 * stuck mail SES refuses again becomes dead: counted in `stillDead`, not replayed twice in one run).
 */
export const replayDeadLetters = async (outbox: DeadLetters, delivery: Resender, clock: Clock = systemClock): Promise<ReplayReport> => {
  let replayed = 0;
  let sent = 0;
  let alreadySent = 0;
  let inFlight = 0;
  const seen = new Set<string>();
  for await (const page of deadPages(outbox)) {
    for (const entry of page.entries) {
      if (seen.has(entry.mail.id)) continue;
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
  // Without `revive`: a stuck mail found dead meanwhile was just handled above, or is a failure of this run.
  const stuck = await sweepStaleMails(outbox, { deliver: (mail) => delivery.deliver(mail) }, clock, { pageSize: 100, maxItems: STUCK_MAX });
  let stillDead = 0;
  for await (const page of deadPages(outbox)) stillDead += page.entries.length;
  return { replayed, sent, alreadySent, stillDead, inFlight, stuck };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { dynamodb: { type: 'string', default: 'http://127.0.0.1:4567' }, ses: { type: 'string', default: 'http://127.0.0.1:8005' }, now: { type: 'string' } },
  });
  if (values.now !== undefined) {
    const target = new Date(values.now);
    if (Number.isNaN(target.getTime())) {
      console.error(`--now ${values.now} : date invalide (attendu par exemple 2027-01-20 ou 2027-01-20T08:00:00Z).`);
      process.exit(2);
    }
    const { setClockTo } = await import('../shared/platform/clock.js');
    setClockTo(target);
  }
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
  const { mailOf } = await import('../shared/mail/wiring.js');
  const { outboxOnlyDeadLetter } = await import('../shared/mail/sender.js');
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`Variable d’environnement manquante : ${name}`);
    return value;
  };
  // No retry queue: a mail refused again stays dead in the outbox, for the next replay.
  const mail = mailOf(
    {
      tables: { outbox: env(tableEnv.outbox), personalData: env(tableEnv.personalData) },
      mail: { from: env(ENV.MAIL_FROM), configurationSet: process.env[ENV.SES_CONFIGURATION_SET] || undefined },
      endpoints: { dynamodb: process.env[ENV.DYNAMODB_ENDPOINT] || undefined, ses: process.env[ENV.SES_ENDPOINT] || undefined },
    },
    outboxOnlyDeadLetter,
  );
  const report = await replayDeadLetters(mail.outbox, mail.delivery);
  const { stuck } = report;
  console.log(`Courriels rejoués : ${report.replayed} (${report.sent} envoyés, ${report.alreadySent} déjà partis), encore en échec : ${report.stillDead}.`);
  console.log(
    `Courriels bloqués en cours d’envoi : ${stuck.found} (${stuck.sent} envoyés, ${stuck.alreadySent} déjà partis, ${stuck.deadLettered} de nouveau en échec, ${stuck.inFlight} repris par un autre envoi), erreurs : ${stuck.failures}${stuck.errors.length > 0 ? ` (${stuck.errors.join(', ')})` : ''}.`,
  );
  process.exit(report.stillDead === 0 && stuck.failures === 0 && !stuck.truncated ? 0 : 1);
}
