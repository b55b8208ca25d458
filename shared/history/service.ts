import type { EventScope, Role, StoredEvent } from '../../events/index.js';
import { authorizeSession, coversTarget, forbidden } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import { sessionStreamId } from '../domain/session/model.js';
import { AppError } from '../errors.js';
import { canonicalJson, sha256Hex } from '../eventStore/canonical.js';
import { decodeCursor, encodeCursor, PAGE_EVENT_BYTES } from '../eventStore/cursor.js';
import type { EventStore, HistoryKey, HistoryReader, StreamVerifier, VerifyResult } from '../eventStore/port.js';
import { candidatesInFreeText, toCloudEvent, type HistoryCloudEvent, type HistoryReaderView } from './cloudEvents.js';
import type { HistoryRequest } from './query.js';
import type { PersonalDataStore } from '../personalData/store.js';
import { systemClock, type Clock } from '../platform/clock.js';

/** Where a PV document can be fetched: a short-lived presigned GET of one object version, signed when asked. */
export interface DocumentLinks {
  /** The link, or undefined when that version is not in the vault (deleted by the retention purge, never stored). */
  linkFor(objectKey: string, versionId: string): Promise<string | undefined>;
}

/** A PV file a timeline shows: the revision it is the file of, and whether its retention period is over. */
export interface TimelinePvFile {
  readonly revision: number;
  /** Once its retention period is over (the purge deletes it then): when it ended. */
  readonly expiredAt?: string | undefined;
}

/**
 * What a click on a PV file of the timeline gets: a link signed now; the file's retention period
 * over (the purge deleted it, or is about to); or no such file (no `PVDocumentStored` of that
 * revision, or its version missing from the vault).
 */
export type PvDownload =
  { readonly kind: 'link'; readonly url: string } | { readonly kind: 'expired'; readonly revision: number; readonly expiredAt: string } | { readonly kind: 'missing' };

const DAY_MS = 86_400_000;

/** Where names come from: the personal-data store, which hides the candidates a reader may not see. */
export type PeopleReader = Pick<PersonalDataStore, 'readCandidates' | 'readJurors'>;

/** What the history reads: streams (timelines), the history index (searches), the chain check. */
export type HistorySources = Pick<EventStore, 'readStream'> & HistoryReader & StreamVerifier;

export interface HistoryServiceOptions {
  readonly store: HistorySources;
  /** Without it, the timeline names people by their pseudonymous ids and candidate free text is masked for all. */
  readonly people?: PeopleReader | undefined;
  /** Signs the cursors of session histories (the store signs its own the same way). */
  readonly cursorSecret: string;
  readonly documents?: DocumentLinks | undefined;
  /**
   * Days a PV file is kept after it was recorded (`pvDays` of shared/retention, the purge's own
   * setting): past them, the timeline says the file was deleted and offers no download. Without it,
   * no file is taken for deleted by its age (a download still finds out that it is gone).
   */
  readonly pvKeptDays?: number | undefined;
  /** The retention purge's clock (shared/platform/clock.ts): the real time in AWS. */
  readonly clock?: Clock | undefined;
}

export interface HistoryPage {
  /** At most the page size asked; fewer when they would weigh more than PAGE_EVENT_BYTES (shared/eventStore/cursor.ts). */
  readonly events: readonly HistoryCloudEvent[];
  /** Opaque; absent on the last page. */
  readonly nextCursor?: string | undefined;
}

/** Everything the timeline page of a session shows. */
export interface SessionTimeline {
  readonly sessionId: string;
  readonly streamId: string;
  readonly scope: EventScope;
  /** Oldest first. */
  readonly events: readonly StoredEvent[];
  readonly verification: VerifyResult;
  /** The PV files, by the id of the event that recorded them (`PVDocumentStored`): the page links our route, never S3. */
  readonly documents: ReadonlyMap<string, TimelinePvFile>;
  /** « Prénom Nom » of the candidates and jurors the events name, those the reader may see. */
  readonly names: ReadonlyMap<string, string>;
}

/** Every candidate and juror id an event's data holds, at any depth (a PV's decisions). */
const peopleIdsOf = (value: unknown, into: { candidates: Set<string>; jurors: Set<string> }): void => {
  if (typeof value === 'string') {
    if (value.startsWith('cand_')) into.candidates.add(value);
    else if (value.startsWith('jur_')) into.jurors.add(value);
  } else if (Array.isArray(value)) for (const item of value) peopleIdsOf(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) peopleIdsOf(item, into);
};

/** The roles that read history; anyone else (a juror) is refused. */
const HISTORY_READERS: readonly Role[] = ['centre', 'ud', 'region'];

const notReader = () => forbidden('L’historique est réservé aux centres, aux unités départementales et à la direction régionale.');
const outOfScope = () => forbidden('Cet historique est en dehors de votre périmètre.');

const targetOf = (scope: EventScope) => ({ centreId: scope.centreId, department: scope.department, region: scope.region });

/**
 * The administrators' history: who may read what, and the history pages in CloudEvents form.
 *
 * Scopes: a regional admin reads its region (any department or centre in it), a UD agent its
 * department (any centre in it), a centre its own sessions and programme; a juror nothing. A centre
 * or department asked by a reader above it is placed by one indexed read of its newest event
 * (a centre, a department never changes region), before anything is returned.
 *
 * A session's history is its stream (tens of events), read whole and paged here with a cursor
 * signed like the store's; other histories page through the store's indexes.
 */
export class HistoryService {
  private readonly store: HistorySources;
  private readonly cursorSecret: string;
  private readonly documents: DocumentLinks | undefined;
  private readonly people: PeopleReader | undefined;
  private readonly pvKeptDays: number | undefined;
  private readonly clock: Clock;

  constructor(options: HistoryServiceOptions) {
    if (options.cursorSecret.length < 32) throw new Error('cursorSecret must hold at least 32 characters');
    this.store = options.store;
    this.cursorSecret = options.cursorSecret;
    this.documents = options.documents;
    this.people = options.people;
    this.pvKeptDays = options.pvKeptDays;
    this.clock = options.clock ?? systemClock;
  }

  /** One page of history for the principal, or 403 when the request leaves its scope. */
  async page(principal: Principal, request: HistoryRequest): Promise<HistoryPage> {
    if (!HISTORY_READERS.includes(principal.actor.role)) throw notReader();
    const locations = [request.sessionId, request.centreId, request.department, request.region].filter((value) => value !== undefined);
    if (locations.length > 1)
      throw new AppError('history.query.invalid', 'validation', 'Certains critères de recherche sont à corriger.', [
        { field: 'sessionId', message: 'Un seul critère de lieu à la fois : session, centre, département ou région.' },
      ]);
    if (request.sessionId !== undefined) return this.sessionPage(principal, request.sessionId, request);
    const key = await this.keyFor(principal, request);
    const page = await this.store.history({
      by: key,
      types: request.types,
      actorId: request.actorId,
      from: request.from,
      to: request.to,
      order: request.order,
      limit: request.limit,
      cursor: request.cursor,
    });
    // Belt and braces: an index key is only chosen inside the scope, so this never fires unless a
    // history item carries a scope its key does not say.
    if (page.items.some((event) => !coversTarget(principal, targetOf(event.scope)))) throw outOfScope();
    const reader = await this.readerOf(principal, page.items);
    return { events: page.items.map((event) => toCloudEvent(event, reader)), nextCursor: page.nextCursor };
  }

  /** The session's stream, its hash chain's state and its PV files; 404 unknown, 403 outside the scope. */
  async timeline(principal: Principal, sessionId: string): Promise<SessionTimeline> {
    const { streamId, events, scope } = await this.readSession(principal, sessionId);
    const verification = await this.store.verify(streamId);
    const now = this.clock.now().getTime();
    const documents = new Map<string, TimelinePvFile>();
    for (const event of events) if (event.type === 'PVDocumentStored') documents.set(event.id, { revision: event.data.revision, expiredAt: this.expiredAt(event, now) });
    return { sessionId, streamId, scope, events, verification, documents, names: await this.namesIn(principal, events) };
  }

  /**
   * A PV file of the session, when the reader clicks it: the same scope decision as the timeline
   * (404 unknown or another centre's, 403 outside a State agent's territory), then a link signed
   * now, unless the file's retention period is over or the vault has no such file.
   */
  async pvDownload(principal: Principal, sessionId: string, revision: string): Promise<PvDownload> {
    const { events } = await this.readSession(principal, sessionId);
    const wanted = /^[1-9]\d{0,5}$/.test(revision) ? Number(revision) : undefined;
    const stored = events.find((event) => event.type === 'PVDocumentStored' && event.data.revision === wanted);
    if (stored?.type !== 'PVDocumentStored') return { kind: 'missing' };
    const expiredAt = this.expiredAt(stored, this.clock.now().getTime());
    if (expiredAt !== undefined) return { kind: 'expired', revision: stored.data.revision, expiredAt };
    const url = await this.documents?.linkFor(stored.data.objectKey, stored.data.versionId);
    return url === undefined ? { kind: 'missing' } : { kind: 'link', url };
  }

  /**
   * When the PV file's retention period ended, if it has: the purge (shared/retention/purge.ts)
   * deletes the files recorded `pvDays` or more before its run, and records no event of it, so the
   * history decides from the recording and the same setting.
   */
  private expiredAt(event: StoredEvent, now: number): string | undefined {
    if (this.pvKeptDays === undefined) return undefined;
    const end = Date.parse(event.recordedAt) + this.pvKeptDays * DAY_MS;
    return end <= now ? new Date(end).toISOString() : undefined;
  }

  /** The names of the people the events name, read with the reader's own rights (a region sees jurors, not candidates). */
  private async namesIn(principal: Principal, events: readonly StoredEvent[]): Promise<ReadonlyMap<string, string>> {
    const names = new Map<string, string>();
    if (!this.people) return names;
    const ids = { candidates: new Set<string>(), jurors: new Set<string>() };
    for (const event of events) peopleIdsOf(event.data, ids);
    const [candidates, jurors] = await Promise.all([this.people.readCandidates(principal, [...ids.candidates]), this.people.readJurors([...ids.jurors])]);
    for (const [id, person] of [...candidates, ...jurors]) names.set(id, `${person.firstName} ${person.lastName}`);
    return names;
  }

  /**
   * The reader as the free text of these events sees them: a candidate's is shown only to whom the
   * personal-data store still gives the identity (none once erased; without the store, nobody).
   */
  private async readerOf(principal: Principal, events: readonly StoredEvent[]): Promise<HistoryReaderView> {
    const role = principal.actor.role;
    const ids = candidatesInFreeText(events);
    if (!this.people || ids.length === 0) return { role, identifies: () => false };
    const identified = await this.people.readCandidates(principal, ids);
    return { role, identifies: (candidateId) => identified.has(candidateId) };
  }

  private async readSession(principal: Principal, sessionId: string) {
    if (!HISTORY_READERS.includes(principal.actor.role)) throw notReader();
    const streamId = sessionStreamId(sessionId);
    const { events } = await this.store.readStream(streamId);
    const first = events[0];
    // The same decision as the API and the pages: a foreign centre reads « introuvable », like an unknown id.
    authorizeSession(principal, HISTORY_READERS, first && targetOf(first.scope));
    return { streamId, events, scope: (first as StoredEvent).scope };
  }

  /** The index key of a request, inside the principal's scope, or 403. */
  private async keyFor(principal: Principal, request: HistoryRequest): Promise<HistoryKey> {
    const { role, scope } = principal.actor;
    const own = role === 'centre' ? scope.centreId : role === 'ud' ? scope.department : scope.region;
    if (own === undefined) throw forbidden('Votre compte n’est rattaché à aucun périmètre.');
    if (request.region !== undefined) {
      if (role !== 'region' || request.region !== own) throw outOfScope();
      return { region: own };
    }
    if (request.department !== undefined) {
      if (role === 'centre') throw outOfScope();
      if (role === 'ud') {
        if (request.department !== own) throw outOfScope();
        return { department: own };
      }
      await this.placeWithin(principal, { department: request.department });
      return { department: request.department };
    }
    if (request.centreId !== undefined) {
      if (role === 'centre') {
        if (request.centreId !== own) throw outOfScope();
        return { centreId: own };
      }
      await this.placeWithin(principal, { centreId: request.centreId });
      return { centreId: request.centreId };
    }
    if (role === 'centre') return { centreId: own };
    if (role === 'ud') return { department: own };
    return { region: own };
  }

  /** Refuses a centre or department outside the reader's scope, judged by its newest event. */
  private async placeWithin(principal: Principal, key: HistoryKey): Promise<void> {
    const probe = await this.store.history({ by: key, limit: 1, order: 'desc' });
    const newest = probe.items[0];
    if (newest && !coversTarget(principal, targetOf(newest.scope))) throw outOfScope();
  }

  private async sessionPage(principal: Principal, sessionId: string, request: HistoryRequest): Promise<HistoryPage> {
    const { events } = await this.readSession(principal, sessionId);
    const fingerprint = sha256Hex(
      canonicalJson({
        sessionId,
        types: request.types ? [...request.types].sort() : undefined,
        actorId: request.actorId,
        from: request.from?.toISOString(),
        to: request.to?.toISOString(),
        order: request.order,
      }),
    );
    const after = request.cursor === undefined ? undefined : decodeCursor(this.cursorSecret, fingerprint, request.cursor);
    const from = request.from?.getTime() ?? -Infinity;
    const to = request.to?.getTime() ?? Infinity;
    const matching = events
      .filter((event) => {
        const at = Date.parse(event.recordedAt);
        return (
          at >= from &&
          at <= to &&
          (request.types === undefined || request.types.includes(event.type)) &&
          (request.actorId === undefined || event.actor.id === request.actorId) &&
          (after === undefined || (request.order === 'asc' ? event.id > after : event.id < after))
        );
      })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (request.order === 'desc') matching.reverse();
    // The page ends at its size or, like the index's, at its byte budget.
    const items: StoredEvent[] = [];
    let bytes = 0;
    for (const event of matching) {
      const size = Buffer.byteLength(JSON.stringify(event));
      if (items.length === request.limit || (items.length > 0 && bytes + size > PAGE_EVENT_BYTES)) break;
      bytes += size;
      items.push(event);
    }
    const last = items.at(-1);
    const nextCursor = matching.length > items.length && last ? encodeCursor(this.cursorSecret, fingerprint, last.id) : undefined;
    const reader = await this.readerOf(principal, items);
    return { events: items.map((event) => toCloudEvent(event, reader)), nextCursor };
  }
}
