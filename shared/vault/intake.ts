import { createHash } from 'node:crypto';
import type { EventScope } from '../../events/index.js';
import { executeCommand, sessionDocumentStream } from '../application/executeCommand.js';
import { defaultSettings, type DecisionContext, type SessionDocumentCommand, type SessionState } from '../domain/index.js';
import type { EventStore } from '../eventStore/port.js';
import type { Clock } from '../platform/clock.js';
import { ETAG_VERSION_PREFIX, parsePvObjectKey } from './keys.js';
import type { PvUploads, PvVault, StoredObject } from './vault.js';

type QuarantineReason = 'not-pdf' | 'checksum-mismatch' | 'too-large' | 'unexpected';

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
 * Checks every file that lands in the upload area before the system trusts it: under
 * `pv/<session>/<sha>.pdf`, at most the size limit, a PDF (`%PDF-` header), bytes whose SHA-256 is
 * the one declared in the key and the one signed in the session's PV, for a session that waits for
 * its PV file. It then writes those bytes into the vault (Object Lock), records `PVDocumentStored`
 * (key, vault version id, SHA-256) and removes the upload; otherwise it moves the file under
 * `quarantine/` of the upload area and records `PVDocumentQuarantined` so the centre is told why.
 * Nothing rejected ever reaches the vault. Redelivery is harmless: a moved file is gone, a recorded
 * one is recognised, and the command carries an idempotency key per upload (and per PV revision).
 */
export class PvIntake {
  constructor(
    private readonly uploads: PvUploads,
    private readonly vault: PvVault,
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async onObjectCreated(object: CreatedObject): Promise<IntakeOutcome> {
    const declared = parsePvObjectKey(object.key);
    const size = await this.uploads.size(object.key);
    if (size === undefined) return { outcome: 'gone' };
    if (!declared) {
      const quarantineKey = await this.uploads.copyToQuarantine(object.key);
      await this.uploads.discard(object.key);
      return { outcome: 'quarantined', reason: 'unexpected', quarantineKey };
    }
    const { sessionId } = declared;
    const stream = sessionDocumentStream(sessionId);
    const { events } = await this.store.readStream(stream.streamId);
    const state = events.reduce((s, e) => stream.decider.evolve(s, e as never), stream.decider.initialState);

    // Redelivered notification of a file already recorded (the upload's removal failed): same answer, nothing written.
    if ('pv' in state && state.pv.document?.objectKey === object.key) {
      await this.uploads.discard(object.key);
      return { outcome: 'stored', sessionId, versionId: state.pv.document.versionId, sha256: state.pv.documentSha256 };
    }

    let reason: QuarantineReason | undefined;
    let stored: StoredObject | undefined;
    let sha256 = '';
    if (size > this.uploads.maxBytes) reason = 'too-large';
    else {
      stored = await this.uploads.read(object.key);
      sha256 = createHash('sha256').update(stored.bytes).digest('hex');
      if (!Buffer.from(stored.bytes.subarray(0, PDF_HEADER.length)).equals(PDF_HEADER)) reason = 'not-pdf';
      else if (sha256 !== declared.sha256Hex) reason = 'checksum-mismatch';
      else if (!expectsPv(state)) reason = 'unexpected';
      else if ('pv' in state && state.pv.documentSha256 !== sha256) reason = 'checksum-mismatch';
    }

    // One idempotency key per upload: the notification's version or ETag, else the bytes' hash or size.
    const uploadTag = object.versionId ?? object.etag ?? stored?.etag ?? (sha256 || String(size));
    if (reason || !stored || !('pv' in state)) {
      const why = reason ?? 'unexpected';
      // Copied, recorded, then removed: a record that fails leaves the upload, and its retry records it.
      const quarantineKey = await this.uploads.copyToQuarantine(object.key);
      if (state.status !== 'none') {
        await this.execute(sessionId, state, { type: 'QuarantinePVDocument', objectKey: quarantineKey, reason: why }, intakeKey('quarantine', object.key, uploadTag));
      }
      await this.uploads.discard(object.key);
      return { outcome: 'quarantined', sessionId, reason: why, quarantineKey };
    }
    const recorded = events.flatMap((event) => (event.type === 'PVDocumentStored' ? [event.data.versionId] : []));
    const kept = await this.vault.keep(object.key, stored.bytes, sha256, { recorded });
    const versionId = kept.versionId ?? `${ETAG_VERSION_PREFIX}${kept.etag ?? sha256}`;
    await this.execute(
      sessionId,
      state,
      { type: 'RecordPVDocument', revision: state.pv.revision, objectKey: object.key, versionId, sha256, sizeBytes: stored.sizeBytes },
      // Per revision: the same file signed again after a rejection is a new record, not the first one's replay.
      intakeKey('store', object.key, `${uploadTag}\nrevision ${state.pv.revision}`),
    );
    await this.uploads.discard(object.key);
    return { outcome: 'stored', sessionId, versionId, sha256 };
  }

  private async execute(sessionId: string, state: SessionState, command: SessionDocumentCommand, idempotencyKey: string) {
    const scope: EventScope = state.status === 'none' ? { region: '00' } : { centreId: state.centreId, department: state.department, region: state.region };
    const context: DecisionContext = {
      now: this.clock.now(),
      actor: { role: 'system', id: 'pv-intake', scope: { ...(scope.region ? { region: scope.region } : {}) } },
      newId: (prefix) => `${prefix}_intake`,
      newSeed: () => '0'.repeat(32),
      settings: defaultSettings,
      // Recording a stored document reads no titre.
      titres: {},
    };
    // The shape of every command (shared/application/useCase.ts runCommand): the stream, the command, its scope, and where it comes from.
    await executeCommand({
      store: this.store,
      ...sessionDocumentStream(sessionId),
      command,
      scope,
      context,
      correlationId: idempotencyKey,
      causationId: idempotencyKey,
      idempotencyKey,
    });
  }
}

/** Idempotency key of an intake decision: one per upload (bounded length, whatever the key). */
const intakeKey = (what: string, key: string, version: string) => `pv-intake:${what}:${createHash('sha256').update(`${key}\n${version}`).digest('hex').slice(0, 40)}`;

/** A session waits for its PV file when a PV is signed (or signed again after a rejection) and its file is not stored yet. */
const expectsPv = (state: SessionState): boolean => (state.status === 'pv-signed' || state.status === 'pv-rejected') && !state.pv.document;
