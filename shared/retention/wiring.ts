import { randomBytes } from 'node:crypto';
import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { HistoryIndexReader } from '../eventStore/historyIndex.js';
import { DynamoPersonalDataStore } from '../personalData/store.js';
import { ConfigurationError, type Endpoints } from '../platform/config.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { S3PvObjects, StoreRecordedEvents } from './adapters.js';
import { RETENTION_ENV, readRetentionSettings } from './purge.js';

/**
 * The purge's adapters and settings from the environment, read once: the `history` and
 * `personalData` table names (the store is read through its history alone, see
 * `StoreRecordedEvents`), `PV_BUCKET_NAME` (recorded PVs), `UPLOAD_BUCKET_NAME` (quarantined files), the retention settings
 * (`RETENTION_PERSONAL_DATA_DAYS`, `RETENTION_PV_DAYS`, `RETENTION_QUARANTINE_DAYS`,
 * `RETENTION_CATCH_UP_DAYS`, optional) and offline the emulator endpoints.
 */
export const retentionOf = (
  {
    tables,
    buckets,
    endpoints,
    env: source,
  }: {
    readonly tables: { readonly history: string; readonly personalData: string };
    readonly buckets: { readonly vault: string; readonly uploads: string };
    readonly endpoints: Endpoints;
    readonly env: NodeJS.ProcessEnv;
  },
  clock: Clock = systemClock,
) => {
  // The purge pages through the history within one run: its cursors never leave the process, so a
  // key of its own, drawn at cold start, signs them (no secret to read).
  const cursorSecret = randomBytes(32).toString('hex');
  const { settings, invalid } = readRetentionSettings({
    personalDataDays: source[RETENTION_ENV.personalDataDays],
    pvDays: source[RETENTION_ENV.pvDays],
    quarantineDays: source[RETENTION_ENV.quarantineDays],
    catchUpDays: source[RETENTION_ENV.catchUpDays],
  });
  if (invalid.length > 0) throw new ConfigurationError(`Missing or invalid environment variables: ${invalid.map((name) => RETENTION_ENV[name]).join(', ')}`);
  const dynamo = createDynamoClient({ endpoint: endpoints.dynamodb });
  const store = new HistoryIndexReader({ client: dynamo, tables, cursorSecret });
  return {
    settings,
    deps: {
      events: new StoreRecordedEvents(store),
      personalData: new DynamoPersonalDataStore(dynamo, tables.personalData),
      pv: new S3PvObjects(createS3Client({ endpoint: endpoints.s3 }), buckets),
      clock,
    },
  };
};
