import { parseArgs } from 'node:util';
import { datesFrom, newState, runScenario, ScenarioError, sentMails, systemNow, timeline, type ScenarioContext } from '../infra/offline/demo/scenario.js';

/**
 * `npm run demo`: a whole session's life against the running system (start it first with
 * `npm start`), through its HTTP API only, then the timeline of its events and the mails that went
 * out. Options: --url http://localhost:3000 (APP_URL), --mailbox http://localhost:8005 (MAILBOX_URL).
 */
const { values } = parseArgs({ options: { url: { type: 'string' }, mailbox: { type: 'string' } } });
const appUrl = (values.url ?? process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`).replace(/\/$/, '');
const mailboxUrl = values.mailbox ?? process.env.MAILBOX_URL ?? `http://localhost:${process.env.MAILBOX_PORT ?? '8005'}/`;

const paris = (iso: string) => new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

const main = async () => {
  const context: ScenarioContext = { appUrl, mailboxUrl };
  let today: Date;
  try {
    today = await systemNow(context);
  } catch {
    console.error(`Aucun système ne répond à ${appUrl} : lancez d’abord « npm start » dans un autre terminal. / Nothing answers at ${appUrl}: run "npm start" first.`);
    process.exit(1);
  }
  const startedAt = Math.floor(Date.now() / 1000);
  const dates = datesFrom(today);
  console.log(`\nDémonstration : une session d’examen de bout en bout sur ${appUrl}`);
  console.log(`Date du système : ${paris(today.toISOString())} — session du ${dates.start} au ${dates.end}, validation le ${dates.validation}\n`);
  const t0 = performance.now();
  const state = await runScenario({ ...context, onStep: (label) => console.log(`  • ${label}`) }, newState(dates));
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);

  const subjects = new Set([`session-${state.sessionId}`, `programme-ctr_lyon-formation-${dates.year}`, ...state.jurorIds.map((id) => `juror-${id}`)]);
  const events = (await timeline(context)).filter((event) => subjects.has(event.subject));
  console.log(`\nChronologie des événements (${events.length}) :`);
  for (const event of events) console.log(`  ${paris(event.time).padEnd(17)} ${event.type.padEnd(26)} ${event.subject}  (${event.actor})`);

  const mails = (await sentMails(context)).filter((mail) => mail.at >= startedAt);
  console.log(`\nCourriels envoyés (${mails.length}), visibles dans la boîte ${mailboxUrl} :`);
  for (const mail of mails) console.log(`  → ${mail.to}\n      ${mail.subject}`);
  console.log(`\nSession ${state.sessionId} : PV validé, résultats officiels. Terminé en ${seconds} s.\n`);
};

main().catch((error: unknown) => {
  console.error(error instanceof ScenarioError ? `La démonstration a échoué / demo failed: ${error.message}` : error);
  process.exit(1);
});
