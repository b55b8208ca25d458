import { createHash } from 'node:crypto';
import type { EventScope } from '../../events/index.js';
import { executeCommand } from '../application/executeCommand.js';
import { defaultSettings, sessionDecider, type DecisionContext, type SessionCommand, type SessionState } from '../domain/index.js';
import type { EventStore } from '../eventStore/port.js';
import type { Clock } from '../platform/clock.js';
import { ETAG_VERSION_PREFIX, parsePvObjectKey, type PvVault } from './vault.js';

export type QuarantineReason = 'not-pdf' | 'checksum-mismatch' | 'too-large' | 'unexpected';

export type IntakeOutcome =
  | { readonly outcome: 'stored'; readonly sessionId: string; readonly versionId: string; readonly sha256: string }
  | { readonly outcome: 'quarantined'; readonly sessionId?: string; readonly reason: QuarantineReason; readonly quarantineKey: string }
  | { readonly outcome: 'gone' };

/** An S3 ObjectCreated notification, reduced to what the intake uses. */
export interface CreatedObject {
  readonly key: string;
  readonly sizeBytes?: number;
  readonly versionId?: string;
  readonly etag?: string;
}

const PDF_HEADER = Buffer.from('%PDF-', 'ascii');

/**
 * Checks every file that lands in the vault before the system trusts it: under `pv/<session>/<sha>.pdf`,
 * at most the size limit, a PDF (`%PDF-` header), bytes whose SHA-256 is the one declared in the key
 * and the one signed in the session's PV, for a session that waits for its PV file. It then records
 * `PVDocumentStored` (key, version id, SHA-256); otherwise it moves the file under `quarantine/`
 * and records `PVDocumentQuarantined` so the centre is told why. Redelivery is harmless: a moved
 * file is gone, and the command carries an idempotency key per object version.
 */
export class PvIntake {
  constructor(
    private readonly vault: PvVault,
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async onObjectCreated(object: CreatedObject): Promise<IntakeOutcome> {
    const declared = parsePvObjectKey(object.key);
    const size = await this.vault.size(object.key);
    if (size === undefined) return { outcome: 'gone' };
    if (!declared) return { outcome: 'quarantined', reason: 'unexpected', quarantineKey: await this.vault.quarantine(object.key, versionOf(object), this.clock.now()) };
    const { sessionId } = declared;
    const streamId = `session-${sessionId}`;
    const { events } = await this.store.readStream(streamId);
    const state = events.reduce((s, e) => sessionDecider.evolve(s, e as never), sessionDecider.initialState);

    // Redelivered notification of a file already recorded: same answer, nothing moved or written.
    if ('pv' in state && state.pv.document?.objectKey === object.key) {
      return { outcome: 'stored', sessionId, versionId: state.pv.document.versionId, sha256: state.pv.documentSha256 };
    }

    let reason: QuarantineReason | undefined;
    let stored: Awaited<ReturnType<PvVault['read']>> | undefined;
    let sha256 = '';
    if (size > this.vault.maxBytes) reason = 'too-large';
    else {
      stored = await this.vault.read(object.key, object.versionId);
      sha256 = createHash('sha256').update(stored.bytes).digest('hex');
      if (!Buffer.from(stored.bytes.subarray(0, PDF_HEADER.length)).equals(PDF_HEADER)) reason = 'not-pdf';
      else if (sha256 !== declared.sha256Hex) reason = 'checksum-mismatch';
      else if (!expectsPv(state)) reason = 'unexpected';
      else if ('pv' in state && state.pv.documentSha256 !== sha256) reason = 'checksum-mismatch';
    }

    const versionTag = object.versionId ?? stored?.versionId ?? (object.etag ?? stored?.etag ? `${ETAG_VERSION_PREFIX}${object.etag ?? stored?.etag}` : undefined);
    if (reason || !stored || !('pv' in state)) {
      const why = reason ?? 'unexpected';
      const quarantineKey = await this.vault.quarantine(object.key, versionOf(object, stored), this.clock.now());
      if (state.status !== 'none') {
        await this.execute(streamId, state, { type: 'QuarantinePVDocument', objectKey: quarantineKey, reason: why }, intakeKey('quarantine', object.key, versionTag ?? String(size)));
      }
      return { outcome: 'quarantined', sessionId, reason: why, quarantineKey };
    }
    const versionId = versionTag ?? `${ETAG_VERSION_PREFIX}${sha256}`;
    await this.execute(
      streamId,
      state,
      { type: 'RecordPVDocument', revision: state.pv.revision, objectKey: object.key, versionId, sha256, sizeBytes: stored.sizeBytes },
      intakeKey('store', object.key, versionId),
    );
    return { outcome: 'stored', sessionId, versionId, sha256 };
  }

  private async execute(streamId: string, state: SessionState, command: SessionCommand, idempotencyKey: string) {
    const scope: EventScope =
      state.status === 'none' ? { region: '00' } : { centreId: state.centreId, department: state.department, region: state.region };
    const context: DecisionContext = {
      now: this.clock.now(),
      actor: { role: 'system', id: 'pv-intake', scope: { ...(scope.region ? { region: scope.region } : {}) } },
      newId: (prefix) => `${prefix}_intake`,
      newSeed: () => '0'.repeat(32),
      settings: defaultSettings,
    };
    await executeCommand({ store: this.store, streamId, decider: sessionDecider, command, context, scope, correlationId: idempotencyKey, causationId: idempotencyKey, idempotencyKey });
  }
}

/** The rejected version: from the notification, else from the read (both absent offline). */
const versionOf = (object: CreatedObject, stored?: { readonly versionId?: string }): { versionId?: string } => {
  const versionId = object.versionId ?? stored?.versionId;
  return versionId ? { versionId } : {};
};

/** Idempotency key of an intake decision: one per object version (bounded length, whatever the key). */
const intakeKey = (what: string, key: string, version: string) => `pv-intake:${what}:${createHash('sha256').update(`${key}\n${version}`).digest('hex').slice(0, 40)}`;

/** A session waits for its PV file when a PV is signed (or signed again after a rejection) and its file is not stored yet. */
const expectsPv = (state: SessionState): boolean =>
  (state.status === 'pv-signed' || state.status === 'pv-rejected') && !state.pv.document;
