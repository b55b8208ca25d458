import { definitionOf, type Role, type StoredEvent } from '../../events/index.js';

/**
 * A stored event as a CloudEvents 1.0 JSON document. The actor, the correlation ids and the scope
 * travel as extension attributes (lowercase alphanumeric names, as the specification requires).
 */
export interface HistoryCloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  /** The system and the stream's aggregate kind: `/tp-sessions/session`, `/tp-sessions/juror`, … */
  readonly source: string;
  /** The catalogue's event type, e.g. `PVValidated`. */
  readonly type: string;
  /** When it happened in the world (the command's time), RFC 3339. */
  readonly time: string;
  /** The stream the event belongs to, e.g. `session-ses_01J…`. */
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  /** The `$id` of the event type's published JSON Schema (absolute, as CloudEvents requires). */
  readonly dataschema: string;
  readonly data: unknown;
  readonly actorrole: Role;
  readonly actorid: string;
  readonly correlationid: string;
  readonly causationid: string;
  readonly streamversion: number;
  readonly schemaversion: number;
  readonly recordedat: string;
  readonly region: string;
  readonly department?: string;
  readonly centreid?: string;
}

/** The CloudEvents `source` prefix of the system. */
const CLOUD_EVENT_SOURCE = '/tp-sessions';

/**
 * Where the JSON Schemas of the catalogue are published (their `$id`, scripts/event-docs.ts):
 * CloudEvents wants an absolute URI in `dataschema`. Each schema describes the stored event of that
 * type and version; its `data` property is the schema of the CloudEvent's data.
 */
const SCHEMA_BASE = 'https://tp-sessions.example/events';

/** What replaces a masked value. */
export const MASKED = '[masqué]';

/**
 * Free-text fields that may describe a candidate in words (a fraud report's facts, a withdrawal's
 * reason). Ids are pseudonymous, but people write names in free text: only the roles that work with
 * candidates (the centre, the UD of the department) read them, and only while the candidate's
 * identity is kept: once erased (on request or by the retention purge), the text goes with it.
 */
const candidateFreeText: Readonly<Partial<Record<string, readonly string[]>>> = {
  FraudReported: ['facts'],
  CandidateWithdrawn: ['reason'],
};

/** Roles that need candidates' personal data for their work (same rule as the personal-data store). */
const mayReadCandidateData = (role: Role): boolean => role === 'centre' || role === 'ud';

/** Who reads the history: their role, and whether they may read a candidate's identity now (false once it is erased). */
export interface HistoryReaderView {
  readonly role: Role;
  readonly identifies: (candidateId: string) => boolean;
}

/** The candidates the free text of these events is about: whose identity decides whether it is shown. */
export const candidatesInFreeText = (events: readonly StoredEvent[]): string[] => {
  const ids = new Set<string>();
  for (const event of events) {
    const candidateId = (event.data as { candidateId?: unknown }).candidateId;
    if (candidateFreeText[event.type] && typeof candidateId === 'string') ids.add(candidateId);
  }
  return [...ids];
};

/** The event's data, with candidate free text masked for readers who may not, or no longer, read it. */
export const visibleData = (event: StoredEvent, reader: HistoryReaderView): unknown => {
  const masked = candidateFreeText[event.type];
  if (!masked) return event.data;
  const candidateId = (event.data as { candidateId?: unknown }).candidateId;
  if (mayReadCandidateData(reader.role) && typeof candidateId === 'string' && reader.identifies(candidateId)) return event.data;
  const data = { ...(event.data as Record<string, unknown>) };
  for (const field of masked) if (field in data) data[field] = MASKED;
  return data;
};

export const toCloudEvent = (event: StoredEvent, reader: HistoryReaderView): HistoryCloudEvent => ({
  specversion: '1.0',
  id: event.id,
  source: `${CLOUD_EVENT_SOURCE}/${definitionOf(event.type)?.stream ?? event.streamId.split('-')[0]}`,
  type: event.type,
  time: event.occurredAt,
  subject: event.streamId,
  datacontenttype: 'application/json',
  dataschema: `${SCHEMA_BASE}/${event.type}.v${event.schemaVersion}.json`,
  data: visibleData(event, reader),
  actorrole: event.actor.role,
  actorid: event.actor.id,
  correlationid: event.correlationId,
  causationid: event.causationId,
  streamversion: event.version,
  schemaversion: event.schemaVersion,
  recordedat: event.recordedAt,
  region: event.scope.region,
  ...(event.scope.department ? { department: event.scope.department } : {}),
  ...(event.scope.centreId ? { centreid: event.scope.centreId } : {}),
});
