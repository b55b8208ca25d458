import type { EventType, StoredEvent } from '../../events/index.js';
import type { Clock } from '../platform/clock.js';

/**
 * Retention of personal data and PV copies. No legal period was found for PVs (a FAQ suggests five
 * years), so both periods are settings. Candidates' identities, contacts and accommodations are
 * erased once the session that registered them is older than `personalDataDays`; the PV files,
 * once their record is older than `pvDays`. The events stay: they carry only pseudonymous ids,
 * and the hash chain never covered the erased data, so it still verifies.
 *
 * Quarantined files (`PVDocumentQuarantined`: not a PDF, wrong checksum, unexpected upload) are not
 * PVs: nobody relies on them beyond telling the centre why its upload was refused and letting an
 * administrator look at it, so they are kept a short period (`quarantineDays`, 30 days by default)
 * from their quarantine, then deleted the same way.
 */
/**
 * Each setting: the most days it may hold, and its default. Settings are whole numbers of days,
 * at least 1.
 */
const RETENTION_LIMITS = {
  /** Days after a candidate's registration (session creation) before their personal data is erased. */
  personalDataDays: { max: 36_500, fallback: 730 },
  /** Days after a PV file was recorded before it is deleted. In AWS it must not be shorter than the bucket's Object Lock retention. */
  pvDays: { max: 36_500, fallback: 1_825 },
  /** Days after a file was quarantined before it is deleted. */
  quarantineDays: { max: 36_500, fallback: 30 },
  /**
   * How far back each run looks beyond the cutoff, in days: a run that was missed is caught up by
   * the next ones without re-reading the whole history every day.
   */
  catchUpDays: { max: 3_650, fallback: 31 },
} as const;

export type RetentionSettings = { readonly [K in keyof typeof RETENTION_LIMITS]: number };
type SettingName = keyof RetentionSettings;

/**
 * The settings from raw values (the environment's text, or numbers): the default where a value is
 * unset; `invalid` names each value that is not a whole number of days within its bounds. Read at
 * cold start from configuration, not from users: plain checks, no schema library in the bundle.
 */
export const readRetentionSettings = (raw: Partial<Record<SettingName, unknown>>): { readonly settings: RetentionSettings; readonly invalid: readonly SettingName[] } => {
  const invalid: SettingName[] = [];
  const read = (name: SettingName): number => {
    const { max, fallback } = RETENTION_LIMITS[name];
    const value = raw[name];
    if (value === undefined) return fallback;
    const days = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(days) || days < 1 || days > max) invalid.push(name);
    return days;
  };
  const settings = { personalDataDays: read('personalDataDays'), pvDays: read('pvDays'), quarantineDays: read('quarantineDays'), catchUpDays: read('catchUpDays') };
  return { settings, invalid };
};

/** The settings, or an error naming the invalid ones. */
export const retentionSettingsOf = (raw: Partial<Record<SettingName, unknown>>): RetentionSettings => {
  const { settings, invalid } = readRetentionSettings(raw);
  if (invalid.length > 0) throw new Error(`Invalid retention settings: ${invalid.join(', ')}`);
  return settings;
};

/** Environment variables of the settings (each optional: the defaults above apply). */
export const RETENTION_ENV = {
  personalDataDays: 'RETENTION_PERSONAL_DATA_DAYS',
  pvDays: 'RETENTION_PV_DAYS',
  quarantineDays: 'RETENTION_QUARANTINE_DAYS',
  catchUpDays: 'RETENTION_CATCH_UP_DAYS',
} as const;

export interface RecordedEvents {
  /** Events of these types recorded in [from, to], read by key from the history index. */
  recordedBetween(types: readonly EventType[], from: Date, to: Date): AsyncIterable<StoredEvent>;
}

/** A candidate whose erasure waits for a fraud report's decision, and from when their frauds were read. */
export interface CandidateHold {
  readonly candidateId: string;
  /** The events recorded since then hold every fraud report and sanction on the candidate. */
  readonly since: string;
}

export interface PersonalDataEraser {
  eraseCandidate(candidateId: string): Promise<void>;
  /** Remembers a candidate past the period whose erasure waits (idempotent). */
  holdCandidate(hold: CandidateHold): Promise<void>;
  /** Every candidate held, whatever the period: few at a time (frauds are rare). */
  candidateHolds(): AsyncIterable<CandidateHold>;
  releaseCandidateHold(candidateId: string): Promise<void>;
}

export interface PvObjects {
  /** Deletes one stored PV file (that version when known); true when something was deleted or nothing was left. */
  delete(objectKey: string, versionId: string | undefined): Promise<void>;
  /**
   * Deletes a quarantined file, whose event names its key only (no version): true when it was there
   * and is deleted now, false when it was already gone (a rerun, or a missed run caught up).
   */
  deleteQuarantined(objectKey: string): Promise<boolean>;
}

export interface PurgeReport {
  readonly personalDataBefore: string;
  readonly pvBefore: string;
  readonly candidatesErased: number;
  /** Candidates past the period kept while a fraud report on them awaits the UD's sanction. */
  readonly candidatesHeld: number;
  readonly pvFilesDeleted: number;
  readonly quarantineBefore: string;
  readonly quarantinedFilesDeleted: number;
  readonly failures: number;
}

const DAY_MS = 86_400_000;

/**
 * One purge run: idempotent (erasing what is already gone is a no-op), so a repeated or
 * overlapping run is harmless. A failure is counted and logged by the caller; it is retried by the
 * next runs while the item stays within the catch-up window.
 */
export const purgeExpired = async (
  deps: { readonly events: RecordedEvents; readonly personalData: PersonalDataEraser; readonly pv: PvObjects; readonly clock: Clock },
  settings: RetentionSettings,
): Promise<PurgeReport> => {
  const now = deps.clock.now().getTime();
  const personalCutoff = new Date(now - settings.personalDataDays * DAY_MS);
  const pvCutoff = new Date(now - settings.pvDays * DAY_MS);
  const window = settings.catchUpDays * DAY_MS;
  let failures = 0;

  const registeredFrom = new Date(personalCutoff.getTime() - window);
  const candidates = new Set<string>();
  for await (const event of deps.events.recordedBetween(['SessionCreated', 'CandidateRegistered'], registeredFrom, personalCutoff)) {
    if (event.type === 'SessionCreated') for (const id of event.data.candidateIds) candidates.add(id);
    if (event.type === 'CandidateRegistered') candidates.add(event.data.candidateId);
  }
  // GDPR art. 17(3)(e), as for an erasure on request (shared/domain/session/lifecycle.ts): while a
  // fraud report on a candidate awaits the UD's sanction, their identity is kept, and the hold is
  // remembered so that a later run erases them once the sanction is notified, long after their
  // registration left the catch-up window.
  // Like a failed read of the events, a failed read of the holds fails the run (nobody is erased
  // unchecked); the next run catches up.
  const held = new Map<string, CandidateHold>();
  for await (const hold of deps.personalData.candidateHolds()) held.set(hold.candidateId, hold);
  const fraudsFrom = [...held.values()].reduce((from, hold) => Math.min(from, Date.parse(hold.since)), registeredFrom.getTime());
  const undecided = new Map<string, number>();
  for await (const event of deps.events.recordedBetween(['FraudReported', 'SanctionNotified'], new Date(fraudsFrom), new Date(now))) {
    if (event.type !== 'FraudReported' && event.type !== 'SanctionNotified') continue;
    const { candidateId } = event.data;
    undecided.set(candidateId, (undecided.get(candidateId) ?? 0) + (event.type === 'FraudReported' ? 1 : -1));
  }
  let candidatesErased = 0;
  let candidatesHeld = 0;
  for (const candidateId of new Set([...candidates, ...held.keys()])) {
    try {
      if ((undecided.get(candidateId) ?? 0) > 0) {
        if (!held.has(candidateId)) await deps.personalData.holdCandidate({ candidateId, since: registeredFrom.toISOString() });
        candidatesHeld += 1;
        continue;
      }
      await deps.personalData.eraseCandidate(candidateId);
      if (held.has(candidateId)) await deps.personalData.releaseCandidateHold(candidateId);
      candidatesErased += 1;
    } catch {
      failures += 1;
    }
  }

  let pvFilesDeleted = 0;
  for await (const event of deps.events.recordedBetween(['PVDocumentStored'], new Date(pvCutoff.getTime() - window), pvCutoff)) {
    if (event.type !== 'PVDocumentStored') continue;
    try {
      await deps.pv.delete(event.data.objectKey, event.data.versionId);
      pvFilesDeleted += 1;
    } catch {
      failures += 1;
    }
  }

  const quarantineCutoff = new Date(now - settings.quarantineDays * DAY_MS);
  let quarantinedFilesDeleted = 0;
  for await (const event of deps.events.recordedBetween(['PVDocumentQuarantined'], new Date(quarantineCutoff.getTime() - window), quarantineCutoff)) {
    if (event.type !== 'PVDocumentQuarantined') continue;
    try {
      if (await deps.pv.deleteQuarantined(event.data.objectKey)) quarantinedFilesDeleted += 1;
    } catch {
      failures += 1;
    }
  }
  return {
    personalDataBefore: personalCutoff.toISOString(),
    pvBefore: pvCutoff.toISOString(),
    candidatesErased,
    candidatesHeld,
    pvFilesDeleted,
    quarantineBefore: quarantineCutoff.toISOString(),
    quarantinedFilesDeleted,
    failures,
  };
};
