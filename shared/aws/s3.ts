import { S3Client } from '@aws-sdk/client-s3';
import { traced } from '../platform/tracer.js';
import { commonClientConfig, type ClientOptions } from './options.js';

export const createS3Client = (options: ClientOptions = {}) =>
  traced(
    new S3Client({
      ...commonClientConfig(options),
      // s3rver serves path-style URLs and does not understand the SDK's default checksums.
      ...(options.endpoint ? { forcePathStyle: true } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
