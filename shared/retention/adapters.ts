import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EventType, StoredEvent } from '../../events/index.js';
import type { HistoryReader } from '../eventStore/port.js';
import { ETAG_VERSION_PREFIX, QUARANTINE_PREFIX } from '../vault/vault.js';
import type { PvObjects, RecordedEvents } from './purge.js';

/** Events of a time range through the store's history (the `byType` index, by key and ULID range). */
export class StoreRecordedEvents implements RecordedEvents {
  constructor(private readonly store: HistoryReader) {}

  async *recordedBetween(types: readonly EventType[], from: Date, to: Date): AsyncIterable<StoredEvent> {
    for (const eventType of types) {
      let cursor: string | undefined;
      do {
        const page = await this.store.history({ by: { eventType }, from, to, order: 'asc', limit: 500, cursor });
        yield* page.items;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
  }
}

/**
 * Deletes PV files from the vault. In AWS the recorded version is deleted for good (Object Lock
 * refuses it until the lock expires: the purge then counts a failure and retries on the next runs);
 * offline, s3rver keeps no versions and the object itself is deleted.
 */
export class S3PvObjects implements PvObjects {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async delete(objectKey: string, versionId: string | undefined): Promise<void> {
    const version = versionId !== undefined && !versionId.startsWith(ETAG_VERSION_PREFIX) ? { VersionId: versionId } : {};
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey, ...version }));
  }

  /**
   * The quarantine event names the key only, so the current object is deleted: offline it is gone;
   * in AWS (versioned bucket) a delete marker hides it, which Object Lock allows, while the locked
   * version itself stays until its lock expires. A HEAD first makes a rerun a no-op instead of a
   * new delete marker each day of the catch-up window.
   */
  async deleteQuarantined(objectKey: string): Promise<boolean> {
    // Never anything but a quarantined file: an event naming another key fails here (counted, alarmed) rather than delete a PV.
    if (!objectKey.startsWith(QUARANTINE_PREFIX)) throw new Error(`not a quarantine key: ${objectKey.slice(0, 80)}`);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    return true;
  }
}
