export { purgeExpired, RETENTION_ENV, retentionSettingsSchema, type PurgeReport, type RetentionSettings } from './purge.js';
export { S3PvObjects, StoreRecordedEvents } from './adapters.js';
