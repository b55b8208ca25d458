import { describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { projector } from '../../functions/projector/function.js';
import { notifier } from '../../functions/notifier/function.js';
import { configOf } from '../../shared/platform/config.js';
import { defineFunction } from '../../shared/platform/declarations.js';
import { AUTH_ENV, ENV, secretEnv, tableEnv } from '../../shared/platform/env.js';

/** What the stack sets on every function, whatever it declares. */
const common = { [ENV.STAGE]: 'test', [ENV.APP_URL]: 'https://sessions.example' };

describe('a function configuration typed from its declaration', () => {
  it('given the projector, when read, then it holds exactly the tables it declares, by their variables', () => {
    const env = { ...common, [tableEnv.events]: 'e', [tableEnv.views]: 'v', [tableEnv.history]: 'h', [tableEnv.deadlines]: 'd', [tableEnv.outbox]: 'not-declared' };
    const config = configOf(projector, env);
    expect(config.tables).toEqual({ events: 'e', views: 'v', history: 'h', deadlines: 'd' });
    expect(config.mail).toBeUndefined();
    expect(config.auth).toBeUndefined();
    // A table the projector does not declare is not in its type: a composition root cannot use it.
    // @ts-expect-error outbox is not declared by the projector
    expect(config.tables.outbox).toBeUndefined();
  });

  it('given a function that sends mail and may put it on the retry queue, when read, then mail and the queue URL are there', () => {
    const env = {
      ...common,
      [tableEnv.events]: 'e',
      [tableEnv.outbox]: 'o',
      [tableEnv.personalData]: 'p',
      [ENV.MAIL_FROM]: 'ne-pas-repondre@sessions.example',
      [ENV.MAIL_DLQ_URL]: 'https://sqs.eu-west-3.amazonaws.com/1/retry',
    };
    const config = configOf(notifier, env);
    expect(config.mail).toEqual({ from: 'ne-pas-repondre@sessions.example', configurationSet: undefined });
    expect(config.mailRetryQueueUrl).toBe('https://sqs.eu-west-3.amazonaws.com/1/retry');
  });

  it('given several variables missing, when read, then the cold start fails naming every one of them', () => {
    expect(() => configOf(projector, { [ENV.STAGE]: 'test', [tableEnv.events]: 'e' })).toThrow(
      /Missing or invalid environment variables: APP_URL, VIEWS_TABLE_NAME, HISTORY_TABLE_NAME, DEADLINES_TABLE_NAME \(function projector\)/,
    );
  });

  it('given an HTTP function declaring a secret and a bucket, when read, then it has the token settings, the secret ARN and the bucket', () => {
    const declaration = defineFunction({
      name: 'sample',
      entry: 'functions/sample/handler.ts',
      description: 'exemple',
      trigger: { kind: 'http', routes: [{ method: 'GET', path: '/x' }] },
      resources: { objects: [{ bucket: 'vault', prefix: 'pv/', actions: ['read'] }], secrets: ['cursor'] },
    });
    const env = {
      ...common,
      [ENV.PV_BUCKET]: 'vault-bucket',
      [secretEnv.cursor]: 'arn:aws:secretsmanager:eu-west-3:1:secret:c',
      [AUTH_ENV.ISSUER]: 'https://issuer',
      [AUTH_ENV.AUDIENCE]: 'client',
      [AUTH_ENV.JWKS_URL]: 'https://issuer/jwks',
    };
    const config = configOf(declaration, env);
    expect(config.buckets).toEqual({ vault: 'vault-bucket' });
    expect(config.secretArns).toEqual({ cursor: 'arn:aws:secretsmanager:eu-west-3:1:secret:c' });
    expect(config.auth).toEqual({ issuer: 'https://issuer', audience: 'client', jwksUrl: 'https://issuer/jwks', hostedUiUrl: undefined });
    expect(() => configOf(declaration, { ...env, [AUTH_ENV.JWKS_URL]: '' })).toThrow(/AUTH_JWKS_URL/);
  });

  it('reads every real declaration from the variables the stack sets for it (none missing when all are set)', () => {
    const all = {
      ...common,
      ...Object.fromEntries(Object.values(tableEnv).map((name) => [name, 't'])),
      [ENV.PV_BUCKET]: 'b',
      [ENV.UPLOAD_BUCKET]: 'u',
      [ENV.MAIL_FROM]: 'm@x',
      [secretEnv.cursor]: 'arn',
      [AUTH_ENV.ISSUER]: 'i',
      [AUTH_ENV.AUDIENCE]: 'a',
      [AUTH_ENV.JWKS_URL]: 'j',
    };
    for (const declaration of functionDeclarations) expect(() => configOf(declaration, all), declaration.name).not.toThrow();
  });
});
