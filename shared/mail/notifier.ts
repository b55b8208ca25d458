import type { EventType, StoredEvent } from '../../events/index.js';
import { buildInvitation } from './ics.js';
import { mailId, type MailKind, type OutgoingMail, type Recipient } from './model.js';
import { isUnaddressed, type Recipients, type Unaddressed } from './recipients.js';
import { MailInFlightError, type MailDelivery } from './sender.js';
import { templates, type Rendered, type SessionSummary, type TitreWords } from './templates.js';
import type { StreamSource } from '../views/projector.js';
import { sessionViewForMails } from '../views/projection.js';
import { centreLabel, type SessionView } from '../views/model.js';
import { titreStreamId } from '../domain/titreRegister.js';

export interface NotifierSettings {
  readonly appUrl: string;
  readonly from: { readonly name: string; readonly email: string };
  /** Local Paris times written in convocations and invitations. */
  readonly sessionStartTime: string;
  readonly sessionEndTime: string;
}

export const defaultNotifierSettings: Omit<NotifierSettings, 'appUrl' | 'from'> = { sessionStartTime: '08:30', sessionEndTime: '17:30' };

type Draft = {
  readonly kind: MailKind;
  readonly to: Recipient | Unaddressed;
  readonly content: (to: Recipient) => Rendered;
  readonly ics?: (to: Recipient, id: string) => string;
  /** The calendar attachment withdraws an invitation sent before, instead of sending one. */
  readonly icsCancels?: boolean;
};

/**
 * Turns events into mails, addressed through the directory and the contact book, and hands them to
 * the outbox-backed delivery. A session's details come from folding its stream up to the event (not
 * from the views table, which another consumer fills at its own pace), so a mail never shows a
 * state older than the event that caused it.
 */
export class Notifier {
  constructor(
    private readonly store: StreamSource,
    private readonly recipients: Recipients,
    private readonly delivery: MailDelivery,
    private readonly settings: NotifierSettings,
    private readonly clockNow: () => Date,
  ) {}

  /** Mails for the events of one commit. Returns how many mails were handed over. */
  async onCommit(events: readonly StoredEvent[]): Promise<number> {
    const interesting = events.filter((e) => isNotified(e.type));
    if (interesting.length === 0) return 0;
    const first = interesting[0];
    const upTo = Math.max(...interesting.map((e) => e.version));
    const session = first && first.streamId.startsWith('session-') ? await this.sessionAt(first.streamId, upTo) : undefined;
    const jurorEvents = first && first.streamId.startsWith('juror-') ? await this.eventsUpTo(first.streamId, upTo) : [];
    let count = 0;
    // A mail another sender holds (a crash mid-commit left its claim, until the lease ends) does not
    // hold back the others: they go out now, and the record fails afterwards to be retried for it.
    let held: MailInFlightError | undefined;
    for (const event of interesting) {
      for (const draft of await this.drafts(event, session, jurorEvents)) {
        try {
          await this.send(event.id, draft);
        } catch (error) {
          if (!(error instanceof MailInFlightError)) throw error;
          held ??= error;
          continue;
        }
        count += 1;
      }
    }
    if (held) throw held;
    return count;
  }

  private async eventsUpTo(streamId: string, version: number): Promise<readonly StoredEvent[]> {
    return (await this.store.readStream(streamId)).events.filter((e) => e.version <= version);
  }

  private async sessionAt(streamId: string, version: number): Promise<SessionAt | undefined> {
    const { events } = await this.store.readStream(streamId);
    const upTo = events.filter((e) => e.version <= version);
    const view = sessionViewForMails(upTo);
    return view ? { view, events: upTo } : undefined;
  }

  private async send(causeId: string, draft: Draft): Promise<void> {
    const id = mailId(causeId, draft.kind, draft.to.key);
    if (isUnaddressed(draft.to)) {
      await this.delivery.park(
        { id, kind: draft.kind, causeId, to: { key: draft.to.key, email: '', name: '' }, subject: '', text: '', html: '', attachments: [] },
        draft.to.reason,
      );
      return;
    }
    const to = draft.to;
    const rendered = draft.content(to);
    const mail: OutgoingMail = {
      id,
      kind: draft.kind,
      causeId,
      to,
      ...rendered,
      attachments: draft.ics
        ? [
            draft.icsCancels
              ? { filename: 'annulation.ics', contentType: 'text/calendar; charset=UTF-8; method=CANCEL', content: draft.ics(to, id) }
              : { filename: 'convocation.ics', contentType: 'text/calendar; charset=UTF-8; method=REQUEST', content: draft.ics(to, id) },
          ]
        : [],
    };
    await this.delivery.deliver(mail);
  }

  private async drafts(event: StoredEvent, session: SessionAt | undefined, jurorEvents: readonly StoredEvent[]): Promise<Draft[]> {
    if (!isNotified(event.type)) return [];
    const mailer = mailers[event.type] as Mailer<NotifiedType>;
    return mailer(event as EventOf<NotifiedType>, {
      session: session?.view,
      sessionEvents: session?.events ?? [],
      jurorEvents,
      recipients: this.recipients,
      settings: this.settings,
      invitation: (s, to, uid, method) => this.invitation(s, to, uid, method),
      titre: (titreCode) => this.titre(titreCode),
    });
  }

  /** A titre's label and its CCP blocks' labels, as last recorded (no label, no blocks when the titre is not recorded). */
  private async titre(titreCode: string): Promise<TitreWords> {
    const recorded = (await this.store.readStream(titreStreamId(titreCode))).events.findLast((e) => e.type === 'TitreRecorded');
    return recorded?.type === 'TitreRecorded'
      ? { code: titreCode, label: recorded.data.label, ccps: new Map(recorded.data.ccps.map((ccp) => [ccp.code, ccp.label])) }
      : { code: titreCode, ccps: new Map() };
  }

  private invitation(session: SessionSummary, attendee: Recipient, uid: string, method: 'REQUEST' | 'CANCEL' = 'REQUEST'): string {
    return buildInvitation({
      method,
      uid: `${uid.replace(/[^A-Za-z0-9_-]/g, '-')}@tp-sessions`,
      stamp: this.clockNow(),
      startDate: session.startDate,
      endDate: session.endDate,
      startTime: this.settings.sessionStartTime,
      endTime: this.settings.sessionEndTime,
      summary: `Jury du titre professionnel ${session.titreLabel ?? session.titreCode}`,
      location: session.site,
      description: `Session ${session.ceresReference} du centre ${centreLabel(session)}. Vérification du plateau technique avec le responsable de session avant le début (prévoir une heure).`,
      organizer: this.settings.from,
      attendee: { name: attendee.name, email: attendee.email },
    });
  }
}

type EventOf<T extends EventType> = Extract<StoredEvent, { type: T }>;

/** A session folded up to a commit, with the events it was folded from. */
interface SessionAt {
  readonly view: SessionView;
  readonly events: readonly StoredEvent[];
}

interface MailerContext {
  /** The session folded up to the commit, for an event of a session stream. */
  readonly session: SessionView | undefined;
  /** The session's events up to the commit (none for another stream). */
  readonly sessionEvents: readonly StoredEvent[];
  /** The juror's events up to the commit, for an event of a juror stream (none for another stream). */
  readonly jurorEvents: readonly StoredEvent[];
  readonly recipients: Recipients;
  readonly settings: NotifierSettings;
  readonly invitation: (session: SessionSummary, to: Recipient, uid: string, method?: 'REQUEST' | 'CANCEL') => string;
  /** A titre in words (its label, its CCP blocks' labels by code): a mail names a titre and the blocks obtained in words. */
  readonly titre: (titreCode: string) => Promise<TitreWords>;
}

/**
 * The id of the convocation mail whose invitation a juror received for the session (its UID is
 * built from it, and a cancellation must repeat it); undefined when they were not convoked since
 * their latest designation (a member taken off the jury had that invitation cancelled then).
 */
const convocationMailOf = (events: readonly StoredEvent[], jurorId: string, recipientKey: string): string | undefined => {
  const designated = events.findLastIndex((e) => e.type === 'JuryAssigned' && e.data.jurorId === jurorId);
  const sent = events
    .slice(Math.max(designated, 0))
    .filter((e) => e.type === 'ConvocationsSent' && e.data.audience === 'jurors' && e.data.recipientIds.includes(jurorId))
    .at(-1);
  return sent ? mailId(sent.id, 'juror-convocation', recipientKey) : undefined;
};

/** What withdraws a juror's invitation from their calendar, when they had one. */
const cancelledInvitation = (session: SessionView, convocation: string | undefined, invitation: MailerContext['invitation']): Pick<Draft, 'ics' | 'icsCancels'> =>
  convocation ? { ics: (to) => invitation(session, to, convocation, 'CANCEL'), icsCancels: true } : {};

/** One candidate's tests in an order of passage, in order. */
const passagesOf = (passages: readonly { readonly candidateId: string; readonly test: string; readonly on: string; readonly at: string }[] | undefined, candidateId: string) =>
  (passages ?? []).filter((passage) => passage.candidateId === candidateId).map(({ test, on, at }) => ({ test, on, at }));

/** The centre's contact, named in the mails a convoked person acts on; undefined when none is known. */
const contactOf = async (recipients: Recipients, centreId: string): Promise<Recipient | undefined> => {
  const centre = await recipients.person('centre', centreId);
  return isUnaddressed(centre) ? undefined : centre;
};

type Mailer<T extends EventType> = (event: EventOf<T>, context: MailerContext) => Promise<Draft[]>;

/** A mailer for a session event: none without the session (its stream could not be folded). */
const ofSession =
  <T extends EventType>(mailer: (event: EventOf<T>, session: SessionView, context: MailerContext) => Promise<Draft[]> | Draft[]): Mailer<T> =>
  async (event, context) =>
    context.session ? mailer(event, context.session, context) : [];

/**
 * The mails each notified event causes. Its keys are the notifier's stream filter
 * (`notifiedEventTypes`), so the filter and the mails cannot drift apart.
 */
const mailers = {
  ProgrammeSubmitted: async (event, { recipients, settings }) => {
    const d = event.data;
    const data = {
      centreId: d.centreId,
      centreName: d.centreName,
      year: d.year,
      revision: d.revision,
      onTime: d.onTime,
      plannedCount: d.plannedSessionIds.length,
      submittedOn: d.submittedOn,
    };
    const content =
      (home: '/ud' | '/region/sessions') =>
      (to: Recipient): Rendered =>
        templates.programmeReceived(to.name, data, settings.appUrl, home);
    const drafts: Draft[] = [];
    if (event.scope.department) drafts.push({ kind: 'programme-received', to: recipients.ud(event.scope.department), content: content('/ud') });
    drafts.push({ kind: 'programme-received', to: recipients.region(event.scope.region), content: content('/region/sessions') });
    return drafts;
  },
  SessionCreated: ofSession((event, s, { recipients, settings }) =>
    event.data.late
      ? [{ kind: 'session-created-late', to: recipients.ud(s.department), content: (to) => templates.sessionCreatedLate(to.name, s, event.data, settings.appUrl) }]
      : [],
  ),
  ConvocationsSent: ofSession(async (event, s, { recipients, settings, invitation }) => {
    const juror = event.data.audience === 'jurors';
    const drafts: Draft[] = [];
    const d = { startTime: settings.sessionStartTime, contact: await contactOf(recipients, s.centreId) };
    for (const id of event.data.recipientIds) {
      const to = await recipients.person(juror ? 'juror' : 'candidate', id);
      drafts.push(
        juror
          ? {
              kind: 'juror-convocation',
              to,
              content: (r) => templates.jurorConvocation(r.name, s, { ...d, passagesPosted: s.passages !== undefined }, settings.appUrl),
              ics: (r, uid) => invitation(s, r, uid),
            }
          : { kind: 'candidate-convocation', to, content: (r) => templates.candidateConvocation(r.name, s, { ...d, passages: passagesOf(s.passages?.items, id) }) },
      );
    }
    return drafts;
  }),
  /**
   * The order of passage posted or changed once candidates were convoked: each of them whose own
   * tests it adds or moves is told (their convocation, sent before, could not say them).
   */
  PassagesScheduled: ofSession(async (event, s, { recipients, sessionEvents }) => {
    const before = sessionEvents.filter((e) => e.version < event.version);
    const convoked = new Set(before.flatMap((e) => (e.type === 'ConvocationsSent' && e.data.audience === 'candidates' ? e.data.recipientIds : [])));
    const previous = before.findLast((e) => e.type === 'PassagesScheduled');
    const contact = convoked.size > 0 ? await contactOf(recipients, s.centreId) : undefined;
    const drafts: Draft[] = [];
    for (const id of convoked) {
      if (!s.candidateIds.includes(id)) continue;
      const passages = passagesOf(event.data.passages, id);
      const earlier = previous?.type === 'PassagesScheduled' ? passagesOf(previous.data.passages, id) : [];
      if (passages.length === 0 || JSON.stringify(passages) === JSON.stringify(earlier)) continue;
      const changed = earlier.length > 0;
      drafts.push({
        kind: 'candidate-passages',
        to: await recipients.person('candidate', id),
        content: (r) => templates.candidatePassages(r.name, s, { passages, changed, contact }),
      });
    }
    return drafts;
  }),
  /**
   * A member designated once the session has started (to fill a gap a tie left) cannot be convoked,
   * convocations being closed then: they are told at once, with the invitation. Before day one the
   * convocations tell them.
   */
  JuryAssigned: ofSession(async (event, s, { recipients, invitation }) => {
    if (s.status !== 'started' && s.status !== 'pv-rejected') return [];
    const contact = await contactOf(recipients, s.centreId);
    return [
      {
        kind: 'juror-designated-during-session',
        to: await recipients.person('juror', event.data.jurorId),
        content: (r) => templates.jurorDesignatedDuringSession(r.name, s, { tiedCandidates: event.data.tiedCandidateIds.length, contact }),
        ics: (r, uid) => invitation(s, r, uid),
      },
    ];
  }),
  /** The juror is told of each habilitation the UD grants them (or renews), with their page. */
  JurorHabilitated: async (event, { recipients, settings, titre }) => {
    const words = await titre(event.data.titreCode);
    return [
      {
        kind: 'juror-habilitated',
        to: await recipients.person('juror', event.data.jurorId),
        content: (to) => templates.jurorHabilitated(to.name, { ...event.data, titre: words, unit: recipients.ud(event.data.department) }, settings.appUrl),
      },
    ];
  },
  /** The juror is told of a habilitation withdrawn, with its titre (from the habilitation in their stream) and the reason. */
  HabilitationWithdrawn: async (event, { recipients, jurorEvents, titre }) => {
    const habilitation = jurorEvents.find((e) => e.type === 'JurorHabilitated' && e.data.habilitationId === event.data.habilitationId);
    const granted = habilitation?.type === 'JurorHabilitated' ? habilitation.data : undefined;
    const words = granted ? await titre(granted.titreCode) : undefined;
    const unit = granted ? recipients.ud(granted.department) : undefined;
    return [
      {
        kind: 'habilitation-withdrawn',
        to: await recipients.person('juror', event.data.jurorId),
        content: (to) => templates.habilitationWithdrawn(to.name, { titre: words, withdrawnOn: event.data.withdrawnOn, reason: event.data.reason, unit }),
      },
    ];
  },
  /** Everyone the session concerned: the jury (their invitation withdrawn) and the candidates registered. */
  SessionCancelled: ofSession(async (event, s, { recipients, invitation, sessionEvents }) => {
    const { cancelledOn } = event.data;
    const drafts: Draft[] = [];
    for (const member of s.jury) {
      const to = await recipients.person('juror', member.jurorId);
      const convocation = convocationMailOf(sessionEvents, member.jurorId, to.key);
      drafts.push({
        kind: 'session-cancelled-juror',
        to,
        content: (r) => templates.sessionCancelled(r.name, s, { cancelledOn, audience: 'juror', withInvitation: convocation !== undefined }),
        ...cancelledInvitation(s, convocation, invitation),
      });
    }
    const contact = s.candidateIds.length > 0 ? await contactOf(recipients, s.centreId) : undefined;
    for (const candidateId of s.candidateIds) {
      const to = await recipients.person('candidate', candidateId);
      drafts.push({
        kind: 'session-cancelled-candidate',
        to,
        content: (r) => templates.sessionCancelled(r.name, s, { cancelledOn, audience: 'candidate', withInvitation: false, contact }),
      });
    }
    return drafts;
  }),
  /**
   * A member taken off the jury is told, and their invitation withdrawn. After day one (a member the
   * UD struck off) they sat already: they are told they no longer sit nor sign the PV, and their
   * calendar keeps the days they sat.
   */
  JurorUnassigned: ofSession(async (event, s, { recipients, invitation, sessionEvents }) => {
    const to = await recipients.person('juror', event.data.jurorId);
    const afterDayOne = s.status !== 'created';
    const convocation = afterDayOne ? undefined : convocationMailOf(sessionEvents, event.data.jurorId, to.key);
    return [
      {
        kind: 'juror-unassigned',
        to,
        content: (r) => templates.jurorUnassigned(r.name, s, { withInvitation: convocation !== undefined, afterDayOne }),
        ...cancelledInvitation(s, convocation, invitation),
      },
    ];
  }),
  JuryInformedOfAccommodations: ofSession(async (event, s, { recipients, settings }) => {
    const drafts: Draft[] = [];
    for (const member of s.jury) {
      const to = await recipients.person('juror', member.jurorId);
      drafts.push({ kind: 'accommodations', to, content: (r) => templates.accommodations(r.name, s, { count: event.data.accommodationIds.length }, settings.appUrl) });
    }
    return drafts;
  }),
  PVTransmitted: ofSession((event, s, { recipients, settings }) => [
    {
      kind: 'pv-transmitted',
      to: recipients.ud(s.department),
      content: (to) => templates.pvTransmitted(to.name, s, { revision: event.data.pvRevision, transmittedOn: event.data.transmittedOn }, settings.appUrl),
    },
  ]),
  PVRejected: ofSession(async (event, s, { recipients, settings }) => [
    { kind: 'pv-rejected', to: await recipients.person('centre', s.centreId), content: (to) => templates.pvRejected(to.name, s, event.data, settings.appUrl) },
  ]),
  PVDocumentQuarantined: ofSession(async (event, s, { recipients, settings }) => [
    { kind: 'pv-quarantined', to: await recipients.person('centre', s.centreId), content: (to) => templates.pvQuarantined(to.name, s, event.data, settings.appUrl) },
  ]),
  PVValidated: ofSession(async (event, s, { recipients, settings, titre }) => {
    const results = s.results.decisions;
    const ccps = results.some((result) => result.ccpObtained.length > 0) ? (await titre(s.titreCode)).ccps : undefined;
    // The centre registered these candidates: its copy of the results names them.
    const names = new Map<string, string>();
    for (const result of results) {
      const name = await recipients.name('candidate', result.candidateId);
      if (name) names.set(result.candidateId, name);
    }
    const drafts: Draft[] = [
      {
        kind: 'pv-validated-centre',
        to: await recipients.person('centre', s.centreId),
        content: (to) => templates.pvValidatedCentre(to.name, s, { validatedOn: event.data.validatedOn, results, names, ccps }, settings.appUrl),
      },
    ];
    for (const result of results) {
      const to = await recipients.person('candidate', result.candidateId);
      drafts.push({ kind: 'pv-validated-candidate', to, content: (r) => templates.pvValidatedCandidate(r.name, s, { validatedOn: event.data.validatedOn, result, ccps }) });
    }
    return drafts;
  }),
  SanctionNotified: ofSession(async (event, s, { recipients }) => [
    {
      kind: 'sanction',
      to: await recipients.person('candidate', event.data.candidateId),
      content: (to) => templates.sanction(to.name, s, { ...event.data, unit: recipients.ud(s.department) }),
    },
  ]),
} satisfies { readonly [T in EventType]?: Mailer<T> };

type NotifiedType = keyof typeof mailers;

/** The events that cause mails: the notifier's stream filter, read from the mailers. */
export const notifiedEventTypes = Object.keys(mailers) as NotifiedType[];

const isNotified = (type: EventType): type is NotifiedType => Object.hasOwn(mailers, type);
