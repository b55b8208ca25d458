import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EventType, StoredEvent } from '../../events/index.js';
import type { HistoryReader } from '../eventStore/port.js';
import { ETAG_VERSION_PREFIX, QUARANTINE_PREFIX } from '../vault/keys.js';
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
 * Deletes PV files: recorded PVs from the vault, quarantined files from the upload area. In AWS a
 * recorded PV's version is deleted for good (Object Lock refuses it until the lock expires: the
 * purge then counts a failure and retries on the next runs); offline, s3rver keeps no versions and
 * the object itself is deleted. Quarantined files are in the upload area, which has no lock and no
 * versions: a delete is final.
 */
export class S3PvObjects implements PvObjects {
  constructor(
    private readonly client: S3Client,
    private readonly buckets: { readonly vault: string; readonly uploads: string },
  ) {}

  async delete(objectKey: string, versionId: string | undefined): Promise<void> {
    const version = versionId !== undefined && !versionId.startsWith(ETAG_VERSION_PREFIX) ? { VersionId: versionId } : {};
    await this.client.send(new DeleteObjectCommand({ Bucket: this.buckets.vault, Key: objectKey, ...version }));
  }

  /**
   * The quarantine event names the key. A HEAD first tells a file already deleted (a rerun within
   * the catch-up window) from one deleted now, so each is counted once; it is a 404 and not a 403
   * because the purge may list `quarantine/`.
   */
  async deleteQuarantined(objectKey: string): Promise<boolean> {
    // Never anything but a quarantined file: an event naming another key fails here (counted, alarmed) rather than delete a PV.
    if (!objectKey.startsWith(QUARANTINE_PREFIX)) throw new Error(`not a quarantine key: ${objectKey.slice(0, 80)}`);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.buckets.uploads, Key: objectKey }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.buckets.uploads, Key: objectKey }));
    return true;
  }
}
