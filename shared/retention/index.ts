export { purgeExpired, RETENTION_ENV, retentionSettingsOf, type RetentionSettings } from './purge.js';
export { S3PvObjects, StoreRecordedEvents } from './adapters.js';
