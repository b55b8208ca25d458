import type { StoredEvent } from '../../events/index.js';
import {
  agrementFold,
  agrementOf,
  agrementStreamId,
  compareDates,
  defaultSettings,
  jurorFold,
  jurorStreamId,
  openJurorDeadlines,
  openProgrammeDeadlines,
  openSessionDeadlines,
  parisDate,
  programmeDeadline,
  programmeFold,
  programmeStreamId,
  sessionFold,
  sessionStreamId,
  type Agrement,
  type AgrementEvent,
  type DomainSettings,
  type JurorEvent,
  type ProgrammeEvent,
  type SessionEvent,
} from '../domain/index.js';
import type { Clock } from '../platform/clock.js';
import { logger } from '../platform/observability.js';
import type { StreamSource } from '../views/projector.js';
import type { DynamoDeadlineIndex } from './dynamoDeadlines.js';

/** The streams the planner folds, and the version each holds now (a head read, cheaper than the stream). */
export interface PlannerSource extends StreamSource {
  versionOf(streamId: string): Promise<number>;
}

/** Plans of one commit made, at most, when the other streams they were folded from keep moving. */
const MAX_PLANS = 3;

/** A source that notes the version of every stream read through it. */
const tracking = (source: StreamSource, read: Map<string, number>): StreamSource => ({
  readStream: async (streamId) => {
    const result = await source.readStream(streamId);
    read.set(streamId, result.events.at(-1)?.version ?? 0);
    return result;
  },
});

/** What the planner needs from the views table: which planned sessions were created in CERES, which sessions a juror sits in. */
export interface PlannedSessionMarks {
  markPlannedSessionCreated(plannedSessionId: string, sessionId: string): Promise<void>;
  createdPlannedSessions(plannedSessionIds: readonly string[]): Promise<Set<string>>;
  /** Ids of the sessions a juror is or was a member of, ending on `from` or later. */
  sessionsOfJuror(jurorId: string, from: string): Promise<string[]>;
}

/**
 * The programme an approved centre owes for a year it has written nothing for: due when the
 * agrément holds on 31 January (not withdrawn by then), nothing otherwise.
 */
const owedProgramme = (agrement: Agrement, year: number, settings: DomainSettings) => {
  const due = programmeDeadline(year);
  const holds =
    compareDates(agrement.validFrom, due) <= 0 &&
    compareDates(due, agrement.validUntil) <= 0 &&
    (agrement.withdrawnOn === undefined || compareDates(due, agrement.withdrawnOn) < 0);
  const programme = { centreId: agrement.centreId, centreName: agrement.centreName, year, department: agrement.department };
  return holds ? openProgrammeDeadlines(programmeFold.initialState, settings, programme) : [];
};

/**
 * Keeps the due-date index equal to the domain's open deadlines. On every commit it folds the whole
 * stream from the store (not just the delivered events), so a redelivered, late or shuffled record
 * always plans from the latest state: idempotent by construction.
 * A session's commit also plans the habilitation deadlines of its jurors (a habilitation that does
 * not cover the session's days: the juror and the centre are reminded, the UD alerted), kept under
 * their own key per session so an unassigned juror's deadline closes with the next commit. A
 * commit on the juror's stream (a habilitation withdrawn or renewed) plans them again for every
 * session the juror sits in, found from the juror's items in the views table.
 * An agrément's commit plans the yearly programme of every year it covers from this one on, for
 * the centre that has not written anything yet: the reminder in January and the alert to the UD
 * and the region from 1 February, which the programme's own commit closes once it arrives.
 */
export class DeadlinePlanner {
  constructor(
    private readonly source: PlannerSource,
    private readonly index: DynamoDeadlineIndex,
    private readonly marks: PlannedSessionMarks,
    private readonly clock: Clock,
    private readonly settings: DomainSettings = defaultSettings,
  ) {}

  /**
   * Plans what the commit concerns, then checks that none of the other streams the plans were
   * folded from moved meanwhile: commits of two streams (a session's and one of its jurors') are
   * planned by two invocations at once, and the one that read the older state could write last (the
   * index is written unconditionally). When one moved, the plans are made again from the new state;
   * the invocation that planned the newer commit wrote what it read, and the one that read too early
   * sees it here. The commit's own stream is not checked: its later commits come after this one, in
   * order, and plan again. After {@link MAX_PLANS} plans from streams that keep moving, the last plan
   * stays and a warning is logged (failing the record would hold back every record behind it, for
   * commits whose own records plan again anyway).
   */
  async onCommit(events: readonly StoredEvent[]): Promise<void> {
    const first = events[0];
    if (!first) return;
    for (let plans = 1; ; plans += 1) {
      const read = new Map<string, number>();
      await this.plan(tracking(this.source, read), events, parisDate(this.clock.now()));
      const moved = [];
      for (const [streamId, version] of read) if (streamId !== first.streamId && (await this.source.versionOf(streamId)) !== version) moved.push(streamId);
      if (moved.length === 0) return;
      if (plans >= MAX_PLANS) {
        logger.warn('due dates planned from streams that kept moving; their own commits plan them again', { streamId: first.streamId, plans, moved });
        return;
      }
    }
  }

  private async plan(store: StreamSource, events: readonly StoredEvent[], today: string): Promise<void> {
    const first = events[0];
    if (!first) return;
    if (first.streamId.startsWith('session-')) {
      await this.planSession(store, first.streamId, today);
      for (const event of events) {
        if (event.type === 'SessionCreated' && event.data.plannedSessionId) {
          await this.marks.markPlannedSessionCreated(event.data.plannedSessionId, event.data.sessionId);
          const year = Number(event.data.startDate.slice(0, 4));
          // The planned session may sit in the programme of the start's year or a neighbour's.
          for (const y of [year - 1, year, year + 1]) await this.planProgramme(store, programmeStreamId(event.data.centreId, y), today);
        }
      }
    } else if (first.streamId.startsWith('programme-')) {
      await this.planProgramme(store, first.streamId, today);
    } else if (first.streamId.startsWith('agrement-')) {
      await this.planAgrement(store, first.streamId, today);
    } else if (first.streamId.startsWith('juror-')) {
      await this.planJuror(store, first.streamId, today);
    }
  }

  /**
   * A habilitation granted, renewed or withdrawn: the habilitation deadlines of every session the
   * juror sits in that is not over are planned again (a withdrawal reminds before the session, a
   * renewal stops the reminders), without waiting for the session's next commit.
   */
  private async planJuror(store: StreamSource, streamId: string, today: string): Promise<void> {
    const jurorId = streamId.slice('juror-'.length);
    for (const sessionId of await this.marks.sessionsOfJuror(jurorId, today)) {
      const sessionStream = sessionStreamId(sessionId);
      const { events } = await store.readStream(sessionStream);
      const state = events.reduce((s, e) => sessionFold.evolve(s, e as unknown as SessionEvent), sessionFold.initialState);
      await this.planJurorHabilitations(store, sessionStream, state, today);
    }
  }

  /** A centre's agrément as its stream holds it now; undefined when none was recorded. */
  private async agrementOfCentre(store: StreamSource, centreId: string): Promise<Agrement | undefined> {
    const { events } = await store.readStream(agrementStreamId(centreId));
    return agrementOf(events.reduce((s, e) => agrementFold.evolve(s, e as unknown as AgrementEvent), agrementFold.initialState));
  }

  /** The programmes an approved centre owes, year by year, from this year to the agrément's last. */
  private async planAgrement(store: StreamSource, streamId: string, today: string): Promise<void> {
    const agrement = await this.agrementOfCentre(store, streamId.slice('agrement-'.length));
    if (!agrement) return;
    for (let year = Number(today.slice(0, 4)); year <= Number(agrement.validUntil.slice(0, 4)); year += 1) {
      await this.planProgramme(store, programmeStreamId(agrement.centreId, year), today, agrement);
    }
  }

  private async planSession(store: StreamSource, streamId: string, today: string): Promise<void> {
    const { events } = await store.readStream(streamId);
    const state = events.reduce((s, e) => sessionFold.evolve(s, e as unknown as SessionEvent), sessionFold.initialState);
    const lastPvRejectedOn = events.flatMap((e) => (e.type === 'PVRejected' ? [e.data.rejectedOn] : [])).at(-1);
    await this.index.sync(streamId, openSessionDeadlines(state, this.settings, { lastPvRejectedOn }), today);
    await this.planJurorHabilitations(store, streamId, state, today);
  }

  /** Habilitation deadlines of the session's jurors, from each juror's own stream. */
  private async planJurorHabilitations(store: StreamSource, streamId: string, state: Parameters<typeof openSessionDeadlines>[0], today: string): Promise<void> {
    const key = `habilitations@${streamId}`;
    if (state.status === 'none' || state.status === 'cancelled') {
      await this.index.sync(key, [], today);
      return;
    }
    const assignment = {
      sessionId: state.sessionId,
      centreId: state.centreId,
      titreCode: state.titreCode,
      department: state.department,
      startDate: state.startDate,
      endDate: state.endDate,
    };
    const open = [];
    for (const jurorId of Object.keys(state.jury)) {
      const { events } = await store.readStream(jurorStreamId(jurorId));
      const juror = events.reduce((s, e) => jurorFold.evolve(s, e as unknown as JurorEvent), jurorFold.initialState);
      open.push(...openJurorDeadlines(juror, this.settings, [assignment], today));
    }
    await this.index.sync(key, open, today);
  }

  private async planProgramme(store: StreamSource, streamId: string, today: string, approved?: Agrement): Promise<void> {
    const { events } = await store.readStream(streamId);
    const first = events[0];
    if (!first && approved) {
      await this.index.sync(streamId, owedProgramme(approved, Number(streamId.slice(streamId.lastIndexOf('-') + 1)), this.settings), today);
      return;
    }
    if (!first || (first.type !== 'SessionPlanned' && first.type !== 'ProgrammeSubmitted')) return;
    // A centre whose agrément is withdrawn owes nothing due from that day on, whatever it had
    // begun: no reminder to it, no alert about it. Read from its agrément's stream, whichever commit
    // plans this (a programme's commit redelivered after the withdrawal must not plan them again).
    const withdrawnOn = (approved ?? (await this.agrementOfCentre(store, first.data.centreId)))?.withdrawnOn;
    const state = events.reduce((s, e) => programmeFold.evolve(s, e as unknown as ProgrammeEvent), programmeFold.initialState);
    const created = await this.marks.createdPlannedSessions(Object.keys(state.planned));
    // The centre's name as its latest programme recorded it, for the reminder mails.
    const centreName = events.flatMap((event) => (event.type === 'ProgrammeSubmitted' && event.data.centreName ? [event.data.centreName] : [])).at(-1);
    const programme = {
      centreId: first.data.centreId,
      year: first.data.year,
      ...(centreName ? { centreName } : {}),
      ...(first.scope.department ? { department: first.scope.department } : {}),
    };
    const open = openProgrammeDeadlines(state, this.settings, programme, [...created]);
    await this.index.sync(streamId, withdrawnOn === undefined ? open : open.filter((deadline) => compareDates(deadline.dueOn, withdrawnOn) < 0), today);
  }
}
