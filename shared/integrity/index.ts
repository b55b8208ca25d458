export { previousDay, utcDay } from './digest.js';
export { verifyStore, writeDailyDigest } from './service.js';
export { DynamoCommitSource, S3DigestArchive } from './adapters.js';
