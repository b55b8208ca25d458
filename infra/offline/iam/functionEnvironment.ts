import type { FunctionCredentials } from './gateway.js';
import { OPERATOR_CREDENTIALS } from './gateway.js';
import type { OfflineFunction } from './resolve.js';

/**
 * A function's whole environment offline, and nothing else: the variables of its Lambda in the
 * synthesized template (resolved to local values, ./resolve.ts), what the Lambda runtime itself
 * sets (region, the role's credentials, the function's name…), the emulators' endpoints that
 * stand for AWS's, and a few variables of the machine that are no configuration (PATH, the log
 * level the operator or a test asks for, vitest's markers).
 */

/** Set by the Lambda runtime in every function, whatever its configuration. */
export const LAMBDA_RUNTIME_VARIABLES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  // Set where one instance runs several invocations at once, as this process does: the logger
  // then keeps each invocation's log keys and metrics apart (../invocations.ts).
  'AWS_LAMBDA_MAX_CONCURRENCY',
] as const;

/**
 * Written by a library into its own process's environment when its module loads, in AWS as here:
 * Powertools' commons appends its user agent to `AWS_SDK_UA_APP_ID`. No configuration. Offline,
 * the module loads once for the whole process, in the environment of whichever function imports
 * it first (which one depends on what each cold start imports, lazily or not).
 */
export const LIBRARY_VARIABLES = ['AWS_SDK_UA_APP_ID'] as const;

/** Offline only: where each AWS service is reached (unset in AWS, where the SDK finds it). */
export const OFFLINE_ENDPOINT_VARIABLES = ['DYNAMODB_ENDPOINT', 'S3_ENDPOINT', 'SES_ENDPOINT', 'SQS_ENDPOINT', 'SECRETS_MANAGER_ENDPOINT'] as const;

/** The machine's variables a function may see: no configuration, only the process's surroundings and log controls. */
export const HOST_VARIABLES = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'AWS_LAMBDA_LOG_LEVEL'] as const;
export const HOST_VARIABLE_PREFIXES = ['VITEST', 'POWERTOOLS_'] as const;

/** What the runtime, the tests and the scripts sign with outside any function: the operator. */
export const operatorEnvironment: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: OPERATOR_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: OPERATOR_CREDENTIALS.secretAccessKey,
};

export interface FunctionEnvironmentOptions {
  readonly region: string;
  readonly credentials: FunctionCredentials;
  readonly memoryMb: number;
  readonly endpoints: Readonly<Record<(typeof OFFLINE_ENDPOINT_VARIABLES)[number], string>>;
  readonly host: NodeJS.ProcessEnv;
}

export const functionEnvironment = (fn: OfflineFunction, options: FunctionEnvironmentOptions): NodeJS.ProcessEnv => {
  const host: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.host)) {
    const kept = (HOST_VARIABLES as readonly string[]).includes(name) || HOST_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (kept && value !== undefined) host[name] = value;
  }
  return {
    ...host,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/local-${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'offline',
    AWS_LAMBDA_MAX_CONCURRENCY: '4',
    ...options.endpoints,
    ...fn.environment,
  };
};
