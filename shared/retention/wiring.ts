import { randomBytes } from 'node:crypto';
import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { HistoryIndexReader } from '../eventStore/historyIndex.js';
import { DynamoPersonalDataStore } from '../personalData/store.js';
import { readEnv } from '../platform/env.js';
import { endpointsFromEnv, pvBucketFromEnv, tablesFromEnv, uploadBucketFromEnv } from '../platform/wiring.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { S3PvObjects, StoreRecordedEvents } from './adapters.js';
import { RETENTION_ENV, retentionSettingsSchema, type RetentionSettings } from './purge.js';

/**
 * The purge's adapters and settings from the environment, read once: the `history` and
 * `personalData` table names (the store is read through its history alone, see
 * `StoreRecordedEvents`), `PV_BUCKET_NAME` (recorded PVs), `UPLOAD_BUCKET_NAME` (quarantined files), the retention settings
 * (`RETENTION_PERSONAL_DATA_DAYS`, `RETENTION_PV_DAYS`, `RETENTION_QUARANTINE_DAYS`,
 * `RETENTION_CATCH_UP_DAYS`, optional) and offline the emulator endpoints.
 */
export const retentionFromEnv = (source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock) => {
  const tables = tablesFromEnv(['history', 'personalData'], source);
  const buckets = { vault: pvBucketFromEnv(source), uploads: uploadBucketFromEnv(source) };
  // The purge pages through the history within one run: its cursors never leave the process, so a
  // key of its own, drawn at cold start, signs them (no secret to read).
  const cursorSecret = randomBytes(32).toString('hex');
  const endpoints = endpointsFromEnv(source);
  const settings: RetentionSettings = readEnv(retentionSettingsSchema.shape, {
    personalDataDays: source[RETENTION_ENV.personalDataDays],
    pvDays: source[RETENTION_ENV.pvDays],
    quarantineDays: source[RETENTION_ENV.quarantineDays],
    catchUpDays: source[RETENTION_ENV.catchUpDays],
  } as NodeJS.ProcessEnv);
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
