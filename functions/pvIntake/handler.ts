import type { S3Event } from 'aws-lambda';
import { intakeFromEnv } from '../../shared/vault/wiring.js';

const intake = intakeFromEnv();

/** S3 ObjectCreated: one intake per object; an error makes S3's asynchronous invocation retry. */
export const handler = async (event: S3Event) => {
  for (const record of event.Records) {
    const { key, size, versionId, eTag } = record.s3.object;
    const outcome = await intake.onObjectCreated({
      // S3 notifications URL-encode keys, with '+' for spaces.
      key: decodeURIComponent(key.replace(/\+/g, ' ')),
      sizeBytes: size,
      ...(versionId ? { versionId } : {}),
      ...(eTag ? { etag: eTag } : {}),
    });
    console.log(JSON.stringify({ level: 'INFO', message: 'pv intake', key, outcome: outcome.outcome }));
  }
};
