export { previousDay, utcDay } from './digest.js';
export { verifyStore, writeDailyDigest, writeMissedDigests } from './service.js';
export { DynamoCommitSource, S3DigestArchive } from './adapters.js';
