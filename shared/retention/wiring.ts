import * as z from 'zod';
import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { DynamoEventStore } from '../eventStore/dynamoEventStore.js';
import { DynamoPersonalDataStore } from '../personalData/store.js';
import { ENV, readEnv, tableEnv } from '../platform/env.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { S3PvObjects, StoreRecordedEvents } from './adapters.js';
import { RETENTION_ENV, retentionSettingsSchema, type RetentionSettings } from './purge.js';

const name = z.string().min(1);
const optional = z.string().min(1).optional();

/**
 * The purge's adapters and settings from the environment, read once: the `events`, `history`,
 * `idempotency` and `personalData` table names, `PV_BUCKET_NAME`, `CURSOR_SECRET`, the retention
 * settings (`RETENTION_PERSONAL_DATA_DAYS`, `RETENTION_PV_DAYS`, `RETENTION_QUARANTINE_DAYS`,
 * `RETENTION_CATCH_UP_DAYS`, optional) and offline the emulator endpoints.
 */
export const retentionFromEnv = (source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock) => {
  const env = readEnv(
    { events: name, history: name, idempotency: name, personalData: name, bucket: name, cursorSecret: z.string().min(32), dynamoEndpoint: optional, s3Endpoint: optional },
    {
      events: source[tableEnv.events],
      history: source[tableEnv.history],
      idempotency: source[tableEnv.idempotency],
      personalData: source[tableEnv.personalData],
      bucket: source[ENV.PV_BUCKET],
      cursorSecret: source[ENV.CURSOR_SECRET],
      dynamoEndpoint: source[ENV.DYNAMODB_ENDPOINT],
      s3Endpoint: source[ENV.S3_ENDPOINT],
    },
  );
  const settings: RetentionSettings = readEnv(retentionSettingsSchema.shape, {
    personalDataDays: source[RETENTION_ENV.personalDataDays],
    pvDays: source[RETENTION_ENV.pvDays],
    quarantineDays: source[RETENTION_ENV.quarantineDays],
    catchUpDays: source[RETENTION_ENV.catchUpDays],
  } as NodeJS.ProcessEnv);
  const dynamo = createDynamoClient({ endpoint: env.dynamoEndpoint });
  const store = new DynamoEventStore({ client: dynamo, tables: env, cursorSecret: env.cursorSecret, clock });
  return {
    settings,
    deps: {
      events: new StoreRecordedEvents(store),
      personalData: new DynamoPersonalDataStore(dynamo, env.personalData),
      pv: new S3PvObjects(createS3Client({ endpoint: env.s3Endpoint }), env.bucket),
      clock,
    },
  };
};
