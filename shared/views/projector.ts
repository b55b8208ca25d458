import type { StoredEvent } from '../../events/index.js';
import { defaultSettings, type DomainSettings } from '../domain/index.js';
import { ViewVersionConflict } from './viewWriter.js';
import type { AggregateView, CentreNameMark, JurorSessionView } from './model.js';
import { projectAll, projectWithJurorSessions, type Projected } from './projection.js';

/** What the projector needs from the event store: a stream, in order (EventStore.readStream). */
export interface StreamSource {
  readStream(streamId: string): Promise<{ readonly events: readonly StoredEvent[] }>;
}

const nameMarkOf = (event: StoredEvent): CentreNameMark | undefined =>
  (event.type === 'SessionCreated' || event.type === 'ProgrammeSubmitted' || event.type === 'AgrementRecorded') && event.data.centreName
    ? { centreName: event.data.centreName, eventId: event.id }
    : undefined;

/** What the projector writes (DynamoViews; an in-memory one in unit tests). */
export interface ViewsStore {
  load(streamId: string): Promise<AggregateView | undefined>;
  /** Throws ViewVersionConflict when the view is no longer at `expectedVersion`. */
  save(view: AggregateView, expectedVersion: number | undefined): Promise<void>;
  /** Keeps each item unless a newer one (higher version) is there. */
  saveJurorSessions(items: readonly JurorSessionView[]): Promise<void>;
  /**
   * Records that a centre works in a department, with its name when the event gives one: the name
   * of the newest such event (by event id) wins, whatever the order of delivery.
   */
  markCentre(centreId: string, department: string, name?: CentreNameMark): Promise<void>;
  markPlannedSessionCreated(plannedSessionId: string, sessionId: string): Promise<void>;
}

/**
 * Applies a commit's events to the view of their stream, exactly once, whatever the delivery:
 * - events at or below the view's version were applied already (redelivery): skipped;
 * - the domain state the view is folded with (open deadlines, status) is not stored with it: it is
 *   folded from the stream, read from the store (unless the commit starts the stream), so a change
 *   to the state's shape needs no rebuild of the views;
 * - a gap (an earlier commit not seen yet: another batch, a shuffled retry) is filled from that
 *   same read, so the view never skips an event;
 * - the save is conditioned on the version read; a concurrent save makes it read again and retry;
 * - the side items (a juror's part in a session, the markers) are written before the view: once
 *   the view says a version is applied, everything it implies is there, and a crash in between
 *   is redone by the redelivery (those writes are idempotent and never go back in time).
 */
export class Projector {
  constructor(
    private readonly views: ViewsStore,
    private readonly store: StreamSource,
    private readonly settings: DomainSettings = defaultSettings,
  ) {}

  async apply(events: readonly StoredEvent[]): Promise<'applied' | 'duplicate'> {
    const first = events[0];
    if (!first) return 'duplicate';
    const streamId = first.streamId;
    const lastVersion = Math.max(...events.map((e) => e.version));
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.views.load(streamId);
      const version = current?.version ?? 0;
      if (lastVersion <= version) return 'duplicate';
      let pending = events.filter((e) => e.version > version).sort((a, b) => a.version - b.version);
      let before: Projected | undefined;
      if (version > 0 || pending[0]?.version !== 1) {
        const { events: all } = await this.store.readStream(streamId);
        before = projectAll(
          all.filter((e) => e.version <= version),
          this.settings,
        );
        if (pending[0]?.version !== version + 1) pending = all.filter((e) => e.version > version && e.version <= lastVersion);
      }
      const { projected: next, jurorSessions } = projectWithJurorSessions(before, pending, this.settings);
      if (!next || next.view.version !== lastVersion) throw new Error(`Stream ${streamId} cannot be projected up to version ${lastVersion}`);
      await this.views.saveJurorSessions(jurorSessions);
      await this.markers(pending);
      try {
        await this.views.save(next.view, current ? version : undefined);
      } catch (error) {
        if (error instanceof ViewVersionConflict && attempt < 5) continue;
        throw error;
      }
      return 'applied';
    }
  }

  /** Side entries that other queries need: the centres of a department, the created planned sessions. Idempotent puts. */
  private async markers(events: readonly StoredEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'SessionCreated') {
        await this.views.markCentre(event.data.centreId, event.data.department, nameMarkOf(event));
        if (event.data.plannedSessionId) await this.views.markPlannedSessionCreated(event.data.plannedSessionId, event.data.sessionId);
      } else if (event.type === 'AgrementRecorded') {
        // An approved centre owes its programme from the day it is approved: the UD's list of late centres knows it.
        await this.views.markCentre(event.data.centreId, event.data.department, nameMarkOf(event));
      } else if ((event.type === 'SessionPlanned' || event.type === 'ProgrammeSubmitted') && event.scope.department) {
        await this.views.markCentre(event.data.centreId, event.scope.department, nameMarkOf(event));
      }
    }
  }
}
