import { monotonicUlids } from '../../../shared/platform/ids.js';
import { domainEventSchema, type DomainEvent, type StoredEvent } from '../../../events/index.js';
import type { Principal } from '../../../shared/auth/principal.js';
import { AppError } from '../../../shared/errors.js';
import { ConcurrencyError, keyReused } from '../../../shared/eventStore/errors.js';
import type { AppendOptions, AppendResult, EventStore, ReadOptions, StreamRead, VerifyResult } from '../../../shared/eventStore/port.js';
import {
  mayReadAccommodation,
  mayReadIdentity,
  mayReadName,
  type Accommodation,
  type CandidateIdentity,
  type CandidateName,
  type CentreContact,
  type JurorIdentity,
  type Owner,
  type PersonalDataStore,
  type SessionJury,
} from '../../../shared/personalData/store.js';
import type { PvUploadPort } from '../../../shared/application/useCase.js';
import {
  jurorSessionsOf,
  type AgrementView,
  type TitreView,
  projectAll,
  type JurorListOptions,
  type JurorSessionView,
  type JurorView,
  type ProgrammeView,
  type RegionListOptions,
  type SessionView,
  type ViewsReader,
} from '../../../shared/views/index.js';

/**
 * In-memory ports for the HTTP tests: fast enough for thousands of fuzzed requests, and they count
 * every write so a test can prove that a refused request wrote nothing.
 */
export class MemoryEventStore implements EventStore {
  readonly streams = new Map<string, StoredEvent[]>();
  /** The first answer of each key, with the request hash it was recorded with (the DynamoDB store keeps both in the commit). */
  private readonly answers = new Map<string, { result: AppendResult; requestHash?: string | undefined }>();
  private readonly nextId = monotonicUlids();
  appends = 0;

  private firstAnswer(streamId: string, options: ReadOptions): AppendResult | undefined {
    const first = options.idempotencyKey === undefined ? undefined : this.answers.get(`${streamId}|${options.idempotencyKey}`);
    if (!first) return undefined;
    if (options.requestHash !== undefined && first.requestHash !== undefined && first.requestHash !== options.requestHash) throw keyReused();
    return { ...first.result, replayed: true };
  }

  async append(streamId: string, expectedVersion: number, events: readonly DomainEvent[], options: AppendOptions): Promise<AppendResult> {
    const key = options.idempotencyKey === undefined ? undefined : `${streamId}|${options.idempotencyKey}`;
    const first = this.firstAnswer(streamId, options);
    if (first) return first;
    const stream = this.streams.get(streamId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, stream.length);
    for (const event of events) {
      const parsed = domainEventSchema.safeParse(event);
      if (!parsed.success) throw new AppError('event.invalid', 'validation', `Invalid ${event.type}`);
    }
    const at = options.occurredAt.toISOString();
    const stored = events.map(
      (event, index) =>
        ({
          ...event,
          id: this.nextId(),
          streamId,
          version: expectedVersion + index + 1,
          schemaVersion: 1,
          occurredAt: at,
          recordedAt: at,
          actor: options.actor,
          scope: options.scope,
          correlationId: options.correlationId,
          causationId: options.causationId,
        }) as StoredEvent,
    );
    this.streams.set(streamId, [...stream, ...stored]);
    this.appends += 1;
    const result: AppendResult = { streamId, version: expectedVersion + stored.length, commit: this.appends, events: stored, replayed: false };
    if (key) this.answers.set(key, { result, requestHash: options.requestHash });
    return result;
  }

  async readStream(streamId: string, options: ReadOptions = {}): Promise<StreamRead> {
    const events = this.streams.get(streamId) ?? [];
    const replay = this.firstAnswer(streamId, options);
    const answers = new Map(this.answers);
    const replayFor = (idempotencyKey: string, requestHash?: string) => {
      // As stored when the stream was read, like the commits a DynamoDB read returned.
      const first = answers.get(`${streamId}|${idempotencyKey}`);
      if (first && requestHash !== undefined && first.requestHash !== undefined && first.requestHash !== requestHash) throw keyReused();
      return first ? { ...first.result, replayed: true } : undefined;
    };
    return { version: events.length, events, ...(replay ? { replay } : {}), replayFor };
  }

  history(): never {
    throw new Error('not used by the HTTP edge');
  }

  /** Memory commits cannot be edited behind the store's back: every chain is intact. */
  async verify(streamId: string): Promise<VerifyResult> {
    return { ok: true, commits: (this.streams.get(streamId) ?? []).length };
  }
}

/** Views folded on read from the memory store, with the projector's own code: always up to date. */
export class ProjectedViews implements ViewsReader {
  constructor(private readonly store: MemoryEventStore) {}

  private readonly cache = new Map<string, { length: number; view: unknown }>();

  private views(prefix: string) {
    return [...this.store.streams.entries()]
      .filter(([id]) => id.startsWith(prefix))
      .flatMap(([id, events]) => {
        const cached = this.cache.get(id);
        if (cached?.length === events.length) return [cached.view];
        const view = projectAll(events)?.view;
        this.cache.set(id, { length: events.length, view });
        return view ? [view] : [];
      });
  }
  private sessions = () => this.views('session-') as SessionView[];

  async getSessionView(sessionId: string) {
    return this.sessions().find((view) => view.sessionId === sessionId);
  }
  async listSessionsOfCentre(centreId: string) {
    return { items: this.sessions().filter((view) => view.centreId === centreId) };
  }
  async listSessionsOfDepartment(department: string, options: { startsBefore?: string } = {}) {
    const items = this.sessions()
      .filter((view) => view.department === department && (!options.startsBefore || view.startDate < options.startsBefore))
      .sort((a, b) => `${b.startDate}#${b.sessionId}`.localeCompare(`${a.startDate}#${a.sessionId}`));
    return { items };
  }
  async listSessionsOfRegion(region: string, options: RegionListOptions = {}) {
    const items = this.sessions()
      .filter((view) => view.region === region && (!options.department || view.department === options.department) && (!options.statuses || options.statuses.includes(view.status)))
      .sort((a, b) => `${b.startDate}#${b.sessionId}`.localeCompare(`${a.startDate}#${a.sessionId}`));
    return { items };
  }
  async listSessionsOfJuror(jurorId: string, options: JurorListOptions) {
    const upcoming = options.when === 'upcoming';
    const items: JurorSessionView[] = this.sessions()
      .flatMap((view) => jurorSessionsOf(view).map((item) => ({ ...item, version: view.version })))
      .filter((item) => item.jurorId === jurorId && (upcoming ? item.endDate >= options.today : item.endDate < options.today))
      .sort((a, b) => (upcoming ? 1 : -1) * `${a.endDate}#${a.sessionId}`.localeCompare(`${b.endDate}#${b.sessionId}`));
    return { items };
  }
  async listPvToInstruct(department: string) {
    return { items: this.sessions().filter((view) => view.department === department && view.status === 'pv-transmitted') };
  }
  async getJurorView(jurorId: string) {
    return (this.views('juror-') as JurorView[]).find((view) => view.jurorId === jurorId);
  }
  async listJurors(department: string, titreCode?: string) {
    return (this.views('juror-') as JurorView[]).filter((view) => view.department === department && (!titreCode || view.habilitations.some((h) => h.titreCode === titreCode)));
  }
  async getProgrammeView(centreId: string, year: number) {
    return (this.views('programme-') as ProgrammeView[]).find((view) => view.centreId === centreId && view.year === year);
  }
  async getAgrementView(centreId: string) {
    return (this.views('agrement-') as AgrementView[]).find((view) => view.centreId === centreId);
  }
  async listAgrements(region: string, department?: string) {
    return (this.views('agrement-') as AgrementView[])
      .filter((view) => view.region === region && (!department || view.department === department))
      .sort((a, b) => `${a.department}#${a.centreId}`.localeCompare(`${b.department}#${b.centreId}`));
  }
  async listTitres() {
    return (this.views('titre-') as TitreView[]).sort((a, b) => a.code.localeCompare(b.code));
  }
  async listCentresBehind() {
    return [];
  }
}

interface Stored<T> {
  readonly owner: Owner;
  readonly value: T;
}

export class MemoryPersonalData implements PersonalDataStore {
  readonly candidates = new Map<string, Stored<CandidateIdentity>>();
  readonly accommodations = new Map<string, Stored<Accommodation>>();
  readonly jurors = new Map<string, JurorIdentity>();
  writes = 0;

  async saveCandidates(owner: Owner, candidates: readonly CandidateIdentity[], centreContact?: CentreContact) {
    this.writes += 1;
    for (const value of candidates) this.candidates.set(value.candidateId, { owner, value });
    if (centreContact) this.centreContacts.set(owner.centreId, { ...centreContact });
  }
  async readCandidates(reader: Principal, ids: readonly string[]) {
    const map = new Map<string, CandidateIdentity>();
    for (const id of ids) {
      const entry = this.candidates.get(id);
      if (entry && mayReadIdentity(reader, entry.owner)) map.set(id, entry.value);
    }
    return map;
  }
  async readCandidateNames(reader: Principal, ids: readonly string[], jury?: SessionJury) {
    const map = new Map<string, CandidateName>();
    for (const id of ids) {
      const entry = this.candidates.get(id);
      if (entry && mayReadName(reader, entry.owner, jury)) map.set(id, { candidateId: id, lastName: entry.value.lastName, firstName: entry.value.firstName });
    }
    return map;
  }
  async saveAccommodation(owner: Owner, value: Accommodation) {
    this.writes += 1;
    this.accommodations.set(value.accommodationId, { owner, value });
  }
  async readAccommodations(reader: Principal, ids: readonly string[]) {
    return [...this.accommodations.values()].filter((entry) => ids.includes(entry.value.candidateId) && mayReadAccommodation(reader, entry.owner)).map((entry) => entry.value);
  }
  readonly centreContacts = new Map<string, { email: string; displayName: string }>();
  async saveCentreContact(centreId: string, contact: CentreContact) {
    this.writes += 1;
    this.centreContacts.set(centreId, { ...contact });
  }
  async saveJuror(_department: string, juror: JurorIdentity) {
    this.writes += 1;
    this.jurors.set(juror.jurorId, juror);
  }
  async readJurors(ids: readonly string[]) {
    return new Map(ids.flatMap((id) => (this.jurors.has(id) ? [[id, this.jurors.get(id) as JurorIdentity] as const] : [])));
  }
  async eraseCandidate(candidateId: string) {
    this.writes += 1;
    this.candidates.delete(candidateId);
    for (const [id, entry] of this.accommodations) if (entry.value.candidateId === candidateId) this.accommodations.delete(id);
  }
}

export class FakePvUploads implements PvUploadPort {
  async presign(request: { sessionId: string; sha256Hex: string }) {
    const objectKey = `pv/${request.sessionId}/${request.sha256Hex}.pdf`;
    return { url: `http://127.0.0.1:9/bucket/${objectKey}`, objectKey, headers: { 'content-type': 'application/pdf' } };
  }
}
