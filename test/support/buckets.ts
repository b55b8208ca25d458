import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadCorsRule } from '../../infra/buckets.js';
import { startS3 } from '../../infra/offline/emulators.js';

/**
 * The two buckets as the offline runtime serves them (infra/offline/emulators.ts): the vault with
 * Object Lock's rule (a write without a checksum gets 400, as in AWS) and the upload area with the
 * stack's CORS rule for `origins`. s3rver behind the project's S3 rules, on an ephemeral port.
 */
export interface LocalBuckets {
  readonly endpoint: string;
  readonly vault: string;
  readonly uploads: string;
  stop(): Promise<void>;
}

export const startBuckets = async (name: string, origins: readonly string[] = ['http://localhost:3000']): Promise<LocalBuckets> => {
  const directory = await mkdtemp(join(tmpdir(), `tp-s3-${name}-`));
  const vault = `${name}-vault`;
  const uploads = `${name}-uploads`;
  const s3 = await startS3(directory, 0, '127.0.0.1', [
    { name: vault, objectLock: true },
    { name: uploads, objectLock: false, cors: uploadCorsRule(origins) },
  ]);
  return {
    endpoint: s3.endpoint,
    vault,
    uploads,
    stop: async () => {
      await s3.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
};
