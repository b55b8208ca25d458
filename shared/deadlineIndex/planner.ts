import type { StoredEvent } from '../../events/index.js';
import {
  defaultSettings,
  openProgrammeDeadlines,
  openSessionDeadlines,
  parisDate,
  programmeDecider,
  programmeStreamId,
  sessionDecider,
  type DomainSettings,
  type ProgrammeEvent,
  type SessionEvent,
} from '../domain/index.js';
import type { Clock } from '../platform/clock.js';
import type { StreamSource } from '../views/projector.js';
import type { DynamoDeadlineIndex } from './dynamoDeadlines.js';

/** What the planner needs from the views table: which planned sessions were created in CERES. */
export interface PlannedSessionMarks {
  markPlannedSessionCreated(plannedSessionId: string, sessionId: string): Promise<void>;
  createdPlannedSessions(plannedSessionIds: readonly string[]): Promise<Set<string>>;
}

/**
 * Keeps the due-date index equal to the domain's open deadlines. On every commit it folds the whole
 * stream from the store (not just the delivered events), so a redelivered, late or shuffled record
 * always plans from the latest state: idempotent by construction.
 * Juror habilitation deadlines are not planned here (they need the juror's assignments across
 * sessions); the session's `jury-complete` deadline already alerts when a jury is short.
 */
export class DeadlinePlanner {
  constructor(
    private readonly store: StreamSource,
    private readonly index: DynamoDeadlineIndex,
    private readonly marks: PlannedSessionMarks,
    private readonly clock: Clock,
    private readonly settings: DomainSettings = defaultSettings,
  ) {}

  async onCommit(events: readonly StoredEvent[]): Promise<void> {
    const first = events[0];
    if (!first) return;
    const today = parisDate(this.clock.now());
    if (first.streamId.startsWith('session-')) {
      await this.planSession(first.streamId, today);
      for (const event of events) {
        if (event.type === 'SessionCreated' && event.data.plannedSessionId) {
          await this.marks.markPlannedSessionCreated(event.data.plannedSessionId, event.data.sessionId);
          const year = Number(event.data.startDate.slice(0, 4));
          // The planned session may sit in the programme of the start's year or a neighbour's.
          for (const y of [year - 1, year, year + 1]) await this.planProgramme(programmeStreamId(event.data.centreId, y), today);
        }
      }
    } else if (first.streamId.startsWith('programme-')) {
      await this.planProgramme(first.streamId, today);
    }
  }

  private async planSession(streamId: string, today: string): Promise<void> {
    const { events } = await this.store.readStream(streamId);
    const state = events.reduce((s, e) => sessionDecider.evolve(s, e as unknown as SessionEvent), sessionDecider.initialState);
    await this.index.sync(streamId, openSessionDeadlines(state, this.settings), today);
  }

  private async planProgramme(streamId: string, today: string): Promise<void> {
    const { events } = await this.store.readStream(streamId);
    const first = events[0];
    if (!first || (first.type !== 'SessionPlanned' && first.type !== 'ProgrammeSubmitted')) return;
    const state = events.reduce((s, e) => programmeDecider.evolve(s, e as unknown as ProgrammeEvent), programmeDecider.initialState);
    const created = await this.marks.createdPlannedSessions(Object.keys(state.planned));
    const programme = { centreId: first.data.centreId, year: first.data.year, ...(first.scope.department ? { department: first.scope.department } : {}) };
    await this.index.sync(streamId, openProgrammeDeadlines(state, this.settings, programme, [...created]), today);
  }
}
