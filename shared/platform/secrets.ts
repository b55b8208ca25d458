import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { commonClientConfig } from '../aws/options.js';
import type { Endpoints } from './config.js';
import { secretEnv, type SecretName } from './env.js';
import { traced } from './tracer.js';

/*
 * The secrets a function may declare (`resources.secrets` of its declaration). A function's
 * environment carries only the secret's ARN (`<NAME>_SECRET_ARN`), never its value: the value is
 * read from Secrets Manager on first use and kept for the life of the instance, so a person who
 * may read the function's configuration does not learn it.
 */

/** What each secret must look like once read: the cursor key is an HMAC key of at least 32 characters. */
const secretChecks: Readonly<Record<SecretName, (value: unknown) => value is string>> = { cursor: (value): value is string => typeof value === 'string' && value.length >= 32 };

/** Seconds Powertools keeps a value: the keys are rotated by redeploying, which starts new instances. */
const CACHE_SECONDS = 3600;

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/**
 * The getter of a declared secret's value, from its ARN (the function's configuration,
 * ./config.ts `secretArns`): Powertools Parameters, cached. The first call reaches Secrets
 * Manager, inside the first invocation, so loading the module never calls AWS.
 */
export const secretReader = (name: SecretName, arn: string, endpoints: Pick<Endpoints, 'secretsManager'>): (() => Promise<string>) => {
  const provider = new SecretsProvider({ awsSdkV3Client: traced(new SecretsManagerClient(commonClientConfig({ endpoint: endpoints.secretsManager }))) });
  return async () => {
    const value = await provider.get(arn, { maxAge: CACHE_SECONDS });
    // The value itself never goes into the message.
    if (!secretChecks[name](value)) throw new SecretError(`Secret ${name} (${secretEnv[name]}) is missing or malformed in Secrets Manager`);
    return value;
  };
};
