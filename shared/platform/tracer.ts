import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './observability.js';

/**
 * X-Ray on the SDK clients: each DynamoDB, S3, SES and SQS call becomes a subsegment of the
 * Lambda's trace (the stack turns active tracing on).
 *
 * Powertools' Tracer pulls in aws-xray-sdk-core, which enables a process-wide async hook when it
 * loads. So it is loaded in Lambda only (`AWS_EXECUTION_ENV`, which Powertools also requires to
 * trace): offline, in tests and in scripts clients are returned unchanged and that hook never
 * slows them. It stays in the bundles of the functions that create clients, not in signIn's.
 * The handler itself is not captured: its response would go into the trace, personal data with it.
 */
const inLambda = Boolean(process.env.AWS_EXECUTION_ENV) && !process.env.AWS_SAM_LOCAL;

const tracer: Tracer | undefined = inLambda ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: SERVICE_NAME }) : undefined;

/** Wraps an SDK client where it is created, once per function. */
export const traced = <TClient>(client: TClient): TClient => (tracer ? tracer.captureAWSv3Client(client) : client);
