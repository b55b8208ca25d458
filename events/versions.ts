import type { EventType } from './catalogue.js';

/**
 * What reading a stored event needs of the catalogue, without its zod schemas: each type's current
 * schema version and the upcasters. The stream consumers read commits the store validated when
 * writing them, so their bundles carry this module, not the schemas (`test/events` checks these
 * versions against the catalogue's).
 */
export const currentSchemaVersions: Readonly<Record<EventType, number>> = {
  SessionPlanned: 1,
  ProgrammeSubmitted: 1,
  JurorHabilitated: 1,
  HabilitationWithdrawn: 1,
  TitreRecorded: 1,
  AgrementRecorded: 1,
  AgrementAmended: 1,
  AgrementWithdrawn: 1,
  SessionCreated: 1,
  BreachRecorded: 1,
  CandidateRegistered: 1,
  CandidateWithdrawn: 1,
  AccommodationGranted: 1,
  JuryInformedOfAccommodations: 1,
  JuryAssigned: 1,
  TieDeclared: 1,
  JurorUnassigned: 1,
  ConvocationsSent: 1,
  PlateauTechniqueChecked: 1,
  PassagesScheduled: 1,
  SealsChecked: 1,
  FraudReported: 1,
  SanctionNotified: 1,
  PVSigned: 1,
  PVDocumentStored: 1,
  PVDocumentQuarantined: 1,
  ResultsRecordedInCeres: 1,
  PVTransmitted: 1,
  PVValidated: 1,
  PVRejected: 1,
  SessionCancelled: 1,
  CandidatePersonalDataErased: 1,
};

/** Every event type, in catalogue order, without the schemas. */
export const eventTypeNames = Object.keys(currentSchemaVersions) as EventType[];

/**
 * Upcasters turn the data of an old schema version into the next one, so events written years ago
 * are read with today's schema. Keyed by type, then by the version they upgrade from.
 */
export type Upcasters = Partial<Record<EventType, Record<number, (data: unknown) => unknown>>>;

/** Today's catalogue has no old versions yet: every event is at schema version 1. */
const upcasters: Upcasters = {};

/**
 * Brings a raw stored event up to the catalogue's current schema version, one step at a time.
 * Throws when a step is missing: reading an event with a schema the code cannot understand must
 * fail loudly, not silently drop fields.
 */
export const upcast = (raw: { type: string; schemaVersion: number; data: unknown }, registry: Upcasters = upcasters) => {
  const current = (currentSchemaVersions as Readonly<Record<string, number>>)[raw.type];
  if (current === undefined) throw new Error(`Unknown event type ${raw.type}`);
  let { data, schemaVersion } = raw;
  while (schemaVersion < current) {
    const step = registry[raw.type as EventType]?.[schemaVersion];
    if (!step) throw new Error(`No upcaster for ${raw.type} from schema version ${schemaVersion}`);
    data = step(data);
    schemaVersion += 1;
  }
  return { ...raw, data, schemaVersion };
};
