export { purgeExpired, RETENTION_ENV, retentionSettingsSchema, type RetentionSettings } from './purge.js';
export { S3PvObjects, StoreRecordedEvents } from './adapters.js';
