import { addDays, parisDate, type Audience, type Deadline } from '../domain/index.js';
import type { Clock } from '../platform/clock.js';
import { logger } from '../platform/observability.js';
import { mailId, type MailKind, type OutgoingMail, type Recipient } from '../mail/model.js';
import { isUnaddressed, type Recipients, type Unaddressed } from '../mail/recipients.js';
import { MailInFlightError, type MailDelivery } from '../mail/sender.js';
import { deadlineMail } from '../mail/templates.js';
import { formatDate } from '../mail/render.js';
import type { ViewsReader } from '../views/port.js';
import type { DueItem, DynamoDeadlineIndex } from './dynamoDeadlines.js';

export interface RunReport {
  readonly days: readonly string[];
  /** Deadline items read from the index (what the run costs). */
  readonly itemsRead: number;
  readonly capacityUnits: number;
  /** Mails handed to the outbox this run, and how many of them went out now (not already sent). */
  readonly mails: number;
  readonly sent: number;
  /**
   * Reminders read after their deadline's due date (missed days caught up): those of their audience
   * the alert does not reach are told the due date has passed (« Échéance dépassée »), not reminded.
   */
  readonly overdueReminders: number;
  readonly failures: number;
  /** The run stopped before the function's timeout with items left: they stay due, the day is not recorded as completed. */
  readonly unfinished: boolean;
}

/**
 * The run catches up every day missed since the last one it completed (an outage): an alert left
 * in the index is for a deadline still open, whose lateness has not been told. A day further back
 * than a year is not read, and the run says so: an index left that long is a deployment's, not an
 * outage's. A reminder read after its due date tells those of its audience the alert does not
 * reach that the date has passed, in the alert's words: they are the ones who must act.
 */
const MAX_CATCH_UP_DAYS = 366;

/**
 * Time kept in hand before the function's timeout: a run long enough to reach it (a backlog after an
 * outage) stops taking items, leaves the rest due and says so; the retry or the next run goes on.
 */
const STOP_BEFORE_TIMEOUT_MS = 60_000;

/**
 * The daily deadline run: reads only the mails due today (and on every day a previous run missed, and
 * the last day a run completed, for what was planned on it while it went), from
 * the due-date index, sends reminders before a due date and alerts after it, and takes each item
 * out of the index once its mails are in the outbox. Mail ids are deterministic (deadline, phase,
 * planned day, recipient): a second run the same day sends nothing new.
 */
export class DeadlineRun {
  constructor(
    private readonly index: DynamoDeadlineIndex,
    private readonly views: Pick<ViewsReader, 'getSessionView'>,
    private readonly recipients: Recipients,
    private readonly delivery: MailDelivery,
    private readonly clock: Clock,
    private readonly appUrl: string,
  ) {}

  /**
   * One run. `remainingMs` is the time left before the function's timeout (Lambda's
   * `getRemainingTimeInMillis`): today's items go first, then the missed days oldest first, and the
   * run stops taking items when less than a minute is left.
   */
  async run(budget: { readonly remainingMs: () => number } = { remainingMs: () => Number.POSITIVE_INFINITY }): Promise<RunReport> {
    const today = parisDate(this.clock.now());
    const last = await this.index.lastCompletedDay();
    // The last completed day is read again: an item the planner put on it while that run was
    // between its read and its record (it saw the day not yet completed) is due there, and nowhere
    // else. What was sent there is out of the index: reading it again costs one empty query.
    const from = last && last < today ? last : today;
    const earliest = addDays(today, -MAX_CATCH_UP_DAYS);
    const days: string[] = [];
    if (from < earliest) logger.error('deadline run: missed days older than a year are not read', { lastCompletedDay: from, firstDayRead: earliest });
    for (let day = from < earliest ? earliest : from; day <= today; day = addDays(day, 1)) days.push(day);

    let itemsRead = 0;
    let capacityUnits = 0;
    let mails = 0;
    let sent = 0;
    let failures = 0;
    let overdueReminders = 0;
    let unfinished = false;
    const outOfTime = () => {
      unfinished ||= budget.remainingMs() < STOP_BEFORE_TIMEOUT_MS;
      return unfinished;
    };
    // Today's mails are due now: they go before a backlog of missed days, read oldest first.
    for (const day of [today, ...days.filter((d) => d !== today)]) {
      if (outOfTime()) break;
      const due = await this.index.due(day);
      itemsRead += due.itemsRead;
      capacityUnits += due.capacityUnits;
      for (const item of due.items) {
        if (outOfTime()) break;
        try {
          // A reminder caught up after its due date: « arrive le … » would mislead, the date has passed.
          const overdue = item.phase === 'remind' && item.deadline.dueOn < today;
          if (overdue) overdueReminders += 1;
          const outcomes = await this.mailsFor(item, overdue);
          mails += outcomes.length;
          sent += outcomes.filter((o) => o === 'sent').length;
          await this.index.markSent(item, today);
        } catch (error) {
          failures += 1;
          logger.error('deadline item failed', { item: `${item.pk}#${item.sk}`, error: error instanceof Error ? error : String(error) });
        }
      }
    }
    // A failed item keeps its due key; the day is recorded only when everything went out.
    if (failures === 0 && !unfinished) await this.index.recordCompletedDay(today);
    if (unfinished) logger.warn('deadline run stopped before the function timeout; the items left stay due', { itemsRead, mails });
    return { days, itemsRead, capacityUnits, mails, sent, overdueReminders, failures, unfinished };
  }

  private async recipientsFor(audience: Audience, item: DueItem): Promise<(Recipient | Unaddressed)[]> {
    const { scope } = item.deadline;
    switch (audience) {
      case 'centre':
        return scope.centreId ? [await this.recipients.person('centre', scope.centreId)] : [];
      case 'ud':
        return scope.department ? [this.recipients.ud(scope.department)] : [];
      case 'region': {
        const region = scope.department ? this.recipients.regionOfDepartment(scope.department) : undefined;
        return region ? [this.recipients.region(region)] : [];
      }
      case 'juror':
        return scope.jurorId ? [await this.recipients.person('juror', scope.jurorId)] : [];
      case 'jurors': {
        // The members the convocations have not reached: for one convoked already, the step is done.
        const session = scope.sessionId ? await this.views.getSessionView(scope.sessionId) : undefined;
        return Promise.all((session?.jury ?? []).filter((member) => !member.convokedOn).map((member) => this.recipients.person('juror', member.jurorId)));
      }
    }
  }

  /** The item's mails; `overdue`, a reminder read after its due date, written as an alert to the reminded audience. */
  private async mailsFor(item: DueItem, overdue: boolean) {
    const { deadline } = item;
    const alert = item.phase === 'alert' || overdue;
    const kind: MailKind = alert ? 'deadline-alert' : 'deadline-reminder';
    const causeId = `deadline/${deadline.id}/${item.phase}/${item.plannedDay}`;
    // An overdue reminder goes to those of its audience the alert does not reach: nobody hears it twice.
    const audiences = item.phase === 'alert' ? deadline.alert : overdue ? deadline.remind.filter((audience) => !deadline.alert.includes(audience)) : deadline.remind;
    const session = deadline.scope.sessionId ? await this.views.getSessionView(deadline.scope.sessionId) : undefined;
    const centre = session?.centreName ?? deadline.scope.centreName ?? deadline.scope.centreId ?? '';
    const year = deadline.streamId.startsWith('programme-') ? deadline.streamId.slice(deadline.streamId.lastIndexOf('-') + 1) : '';
    // The session in the words of its reader: CERES reference, titre, dates and site; the id only when no view is known.
    const what = session
      ? `Session ${session.ceresReference} (titre ${session.titreCode}, ${session.startDate === session.endDate ? `le ${formatDate(session.startDate)}` : `du ${formatDate(session.startDate)} au ${formatDate(session.endDate)}`}, ${session.site}) du centre ${centre}`
      : deadline.scope.sessionId
        ? `Session ${deadline.scope.sessionId} du centre ${centre}`.trim()
        : `Programmation ${year} du centre ${centre}`.trim();
    // What the subject adds to the label, so that mails about two sessions or two centres differ.
    const about = session ? `session ${session.ceresReference}` : deadline.scope.sessionId ? `session ${deadline.scope.sessionId}` : `${centre}, ${year}`;
    const outcomes = [];
    // A mail another sender holds (a run that died mid-item, until the lease ends) does not hold back
    // the item's other mails; the item fails afterwards and keeps its due key for the next run.
    let held: MailInFlightError | undefined;
    for (const audience of audiences) {
      for (const to of await this.recipientsFor(audience, item)) {
        const id = mailId(causeId, kind, to.key);
        try {
          if (isUnaddressed(to)) {
            outcomes.push(await this.delivery.park({ id, kind, causeId, to: { key: to.key, email: '', name: '' }, subject: '', text: '', html: '', attachments: [] }, to.reason));
            continue;
          }
          const reader = { path: deadlinePathFor(audience, deadline, year), note: audience === 'juror' || audience === 'jurors' ? jurorNote(deadline) : undefined };
          const rendered = deadlineMail(to.name, { alert, label: deadline.label, dueOn: deadline.dueOn, what, about, ...reader }, this.appUrl);
          const mail: OutgoingMail = { id, kind, causeId, to, ...rendered, attachments: [] };
          outcomes.push(await this.delivery.deliver(mail));
        } catch (error) {
          if (!(error instanceof MailInFlightError)) throw error;
          held ??= error;
        }
      }
    }
    if (held) throw held;
    // Every audience resolved to nobody (no jury yet, no centre in scope): said, not silently done.
    if (outcomes.length === 0 && audiences.length > 0) logger.warn('deadline item reached nobody', { item: `${item.pk}#${item.sk}`, phase: item.phase, audiences: [...audiences] });
    return outcomes;
  }
}

/**
 * Where the reader acts on the deadline: their own page of the session (each role has its own), of
 * the programme, of the habilitations, or their role's list when no page of theirs shows it.
 */
export const deadlinePathFor = (audience: Audience, deadline: Pick<Deadline, 'kind' | 'scope'>, year: string): string => {
  const sessionId = deadline.scope.sessionId ? encodeURIComponent(deadline.scope.sessionId) : undefined;
  switch (audience) {
    case 'centre':
      return sessionId ? `/centre/sessions/${sessionId}` : deadline.kind === 'yearly-programme' ? `/centre/programme/${year}` : '/centre/sessions/nouvelle';
    case 'ud':
      return deadline.kind === 'habilitation-expiry' ? '/ud/jures' : sessionId ? `/ud/sessions/${sessionId}` : '/ud/retards';
    case 'region':
      return '/region/sessions';
    case 'juror':
    case 'jurors':
      return sessionId && deadline.kind !== 'habilitation-expiry' ? `/jure/sessions/${sessionId}` : '/jure';
  }
};

/** What a juror is told in their own words: the steps are the centre's and the UD's, not theirs. */
const jurorNote = (deadline: Deadline): string | undefined => {
  if (deadline.kind === 'juror-convocations')
    return `Vous êtes membre du jury de la session ci-dessous : votre convocation devait vous parvenir au plus tard le ${formatDate(deadline.dueOn)}. Si vous ne l’avez pas reçue, contactez le centre qui organise la session.`;
  if (deadline.kind === 'habilitation-expiry')
    return `Votre habilitation ne couvre pas la session ci-dessous, dont vous êtes membre du jury. Demandez son renouvellement à l’unité départementale avant le ${formatDate(deadline.dueOn)} : sans habilitation valable, vous ne pourrez pas y siéger.`;
  return undefined;
};
