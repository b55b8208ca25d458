import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { commonClientConfig } from '../aws/options.js';
import { readEnv } from './env.js';
import { traced } from './tracer.js';

/**
 * The secrets a function may declare (`resources.secrets` of its declaration). A function's
 * environment carries only the secret's ARN (`<NAME>_SECRET_ARN`), never its value: the value is
 * read from Secrets Manager on first use and kept for the life of the instance, so a person who
 * may read the function's configuration does not learn it.
 */
export type SecretName = 'cursor';

/** The variable holding each secret's ARN, set by the stack on the functions that declare it. */
export const secretEnv: Readonly<Record<SecretName, string>> = { cursor: 'CURSOR_SECRET_ARN' };

/** Offline only: the Secrets Manager stand-in (infra/offline/secrets.ts). Unset in AWS. */
export const SECRETS_ENDPOINT_ENV = 'SECRETS_MANAGER_ENDPOINT';

/** What each secret must look like once read: the cursor key is an HMAC key of at least 32 characters. */
const secretSchemas: Readonly<Record<SecretName, z.ZodType<string>>> = { cursor: z.string().min(32) };

/** Seconds Powertools keeps a value: the keys are rotated by redeploying, which starts new instances. */
const CACHE_SECONDS = 3600;

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/**
 * Reads the secret's ARN at cold start (a missing variable fails it, naming the variable) and
 * returns the getter of its value: Powertools Parameters, cached. The first call reaches Secrets
 * Manager, inside the first invocation, so loading the module never calls AWS.
 */
export const secretFromEnv = (name: SecretName, source: NodeJS.ProcessEnv = process.env): (() => Promise<string>) => {
  const variable = secretEnv[name];
  const env = readEnv({ [variable]: z.string().min(1), [SECRETS_ENDPOINT_ENV]: z.string().min(1).optional() }, source);
  const arn = env[variable] as string;
  const provider = new SecretsProvider({ awsSdkV3Client: traced(new SecretsManagerClient(commonClientConfig({ endpoint: env[SECRETS_ENDPOINT_ENV] }))) });
  return async () => {
    const value = await provider.get(arn, { maxAge: CACHE_SECONDS });
    const parsed = secretSchemas[name].safeParse(value);
    // The value itself never goes into the message.
    if (!parsed.success) throw new SecretError(`Secret ${name} (${variable}) is missing or malformed in Secrets Manager`);
    return parsed.data;
  };
};
