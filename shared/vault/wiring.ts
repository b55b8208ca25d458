import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { DynamoEventStore } from '../eventStore/dynamoEventStore.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { Endpoints } from '../platform/config.js';
import { PvIntake } from './intake.js';
import { PvUploads, PvVault } from './vault.js';

/**
 * Composition root of the PV intake, read once at cold start: the event store's table
 * (`EVENTS_TABLE_NAME`: it appends the PV's events), `UPLOAD_BUCKET_NAME` (where uploads arrive and
 * rejected ones wait), `PV_BUCKET_NAME` (the vault), and offline the emulator endpoints. No mail: its events reach the notifier through the stream.
 */
export const intakeOf = (
  {
    tables,
    buckets,
    endpoints,
  }: { readonly tables: { readonly events: string }; readonly buckets: { readonly uploads: string; readonly vault: string }; readonly endpoints: Endpoints },
  clock: Clock = systemClock,
): PvIntake => {
  const store = new DynamoEventStore({ client: createDynamoClient({ endpoint: endpoints.dynamodb }), tables, clock });
  const s3 = createS3Client({ endpoint: endpoints.s3 });
  return new PvIntake(new PvUploads(s3, buckets.uploads), new PvVault(s3, buckets.vault), store, clock);
};
