import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EventType, StoredEvent } from '../../events/index.js';
import type { EventStore } from '../eventStore/port.js';
import { ETAG_VERSION_PREFIX } from '../vault/vault.js';
import type { PvObjects, RecordedEvents } from './purge.js';

/** Events of a time range through the store's history (the `byType` index, by key and ULID range). */
export class StoreRecordedEvents implements RecordedEvents {
  constructor(private readonly store: EventStore) {}

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
}
