export { DIGEST_PREFIX, digestKey, digestSchema, previousDay, utcDay, type Digest } from './digest.js';
export type { CommitSource, DigestArchive, RawCommit } from './ports.js';
export { checkChain, verifyStore, writeDailyDigest, type DigestOutcome, type Finding, type StoreVerification } from './service.js';
export { DynamoCommitSource, S3DigestArchive } from './adapters.js';
