import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';

/**
 * SDK client factories. In AWS no endpoint is given and the SDK uses the Lambda's role and region;
 * offline and in integration tests the endpoint of an emulator is passed, with dummy credentials.
 * Functions call these once, at module scope.
 */
export interface ClientOptions {
  readonly endpoint?: string | undefined;
  readonly region?: string;
  readonly maxAttempts?: number;
}

const offlineCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const common = (options: ClientOptions) => ({
  region: options.region ?? process.env.AWS_REGION ?? 'eu-west-3',
  maxAttempts: options.maxAttempts ?? 5,
  ...(options.endpoint ? { endpoint: options.endpoint, credentials: offlineCredentials } : {}),
});

export const createDynamoClient = (options: ClientOptions = {}) => new DynamoDBClient(common(options));

export const createS3Client = (options: ClientOptions = {}) =>
  new S3Client({
    ...common(options),
    // s3rver serves path-style URLs and does not understand the SDK's default checksums.
    ...(options.endpoint ? { forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

export const createSesClient = (options: ClientOptions = {}) => new SESv2Client(common(options));
