import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { eventStoreFromEnv } from '../eventStore/wiring.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { endpointsFromEnv, pvBucketFromEnv } from '../platform/wiring.js';
import { PvIntake } from './intake.js';
import { PvVault } from './vault.js';

/**
 * Composition root of the PV intake, read once at cold start: the event store's table
 * (`EVENTS_TABLE_NAME`: it appends the PV's events), `PV_BUCKET_NAME`, what the vault itself reads (./vault.ts), and offline the emulator
 * endpoints. No mail: its events reach the notifier through the stream.
 */
export const intakeFromEnv = (source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): PvIntake => {
  const bucket = pvBucketFromEnv(source);
  const endpoints = endpointsFromEnv(source);
  const store = eventStoreFromEnv(createDynamoClient({ endpoint: endpoints.dynamodb }), source, clock);
  return new PvIntake(new PvVault(createS3Client({ endpoint: endpoints.s3 }), bucket), store, clock);
};
