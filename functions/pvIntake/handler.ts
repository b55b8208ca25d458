import type { S3Event } from 'aws-lambda';
import { edge } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';
import { intakeOf } from '../../shared/vault/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { pvIntake } from './function.js';

const intake = intakeOf(configOf(pvIntake));

/** S3 ObjectCreated: one intake per object; an error makes S3's asynchronous invocation retry. */
export const handler = edge(async (event: S3Event) => {
  for (const record of event.Records) {
    // The upload's S3 request id ties these lines to the PUT that created the object.
    const uploadRequestId = record.responseElements?.['x-amz-request-id'];
    if (uploadRequestId) logger.setCorrelationId(uploadRequestId);
    const { key, size, versionId, eTag } = record.s3.object;
    const outcome = await intake.onObjectCreated({
      // S3 notifications URL-encode keys, with '+' for spaces.
      key: decodeURIComponent(key.replace(/\+/g, ' ')),
      sizeBytes: size,
      ...(versionId ? { versionId } : {}),
      ...(eTag ? { etag: eTag } : {}),
    });
    logger.info('pv intake', { key, outcome: outcome.outcome });
  }
});
