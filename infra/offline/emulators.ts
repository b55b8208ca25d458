import { mkdir } from 'node:fs/promises';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as sesModule from 'aws-ses-v2-local';
import { getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store.js';
import { readJson, writeJsonAtomic } from './files.js';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import s3rverAccounts from 's3rver/lib/models/account.js';
import type { BucketName } from '../../shared/platform/declarations.js';
import { bucketSuffix, corsConfigurationXml, objectLocked, originOf, uploadCorsRule, type CorsRuleSpec } from '../buckets.js';
import { withS3Rules } from './s3Rules.js';

/**
 * The three emulators, in this process: dynalite (DynamoDB, kept in a LevelDB folder), s3rver (S3,
 * kept in a folder) and aws-ses-v2-local (SES v2, with its mailbox page). Each listens on 127.0.0.1.
 */
export interface Emulator {
  readonly port: number;
  readonly endpoint: string;
  stop(): Promise<void>;
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve, reject) => {
    server.closeAllConnections?.();
    server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
  });

const listen = (server: Server, port: number, host: string) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

/** Wraps an emulator's request handler: the place of the gateway that checks signatures and IAM (./iam/gateway.ts). */
export interface GuardOptions {
  readonly outer?: (handler: RequestListener) => RequestListener;
}

/** Puts `outer` in front of every request listener of a server that already has them. */
const guard = (server: Server, outer: GuardOptions['outer']) => {
  if (!outer) return;
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  for (const listener of listeners) server.on('request', outer(listener));
};

export const startDynamo = async (dataDir: string, port: number, host: string, options: GuardOptions = {}): Promise<Emulator> => {
  const path = join(dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  guard(server, options.outer);
  const actual = await listen(server, port, host);
  return { port: actual, endpoint: `http://${host}:${actual}`, stop: () => closeServerGracefully(server) };
};

/**
 * DynamoDB outlives a crash of the application, and dynalite closes its LevelDB when its server
 * closes: cutting a request mid-scan makes dynalite read a closed iterator and throw outside any
 * handler. So requests under way finish (bounded), then the server closes.
 */
const closeServerGracefully = (server: Server, graceMs = 2_000) =>
  new Promise<void>((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections?.(), graceMs);
    server.close((error) => {
      clearTimeout(force);
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    });
    server.closeIdleConnections?.();
  });

/** A bucket of the emulator: its name, whether it has Object Lock, and its CORS rule if any. */
export interface LocalBucket {
  readonly name: string;
  readonly objectLock: boolean;
  readonly cors?: CorsRuleSpec;
}

/** Offline name of each bucket, as the stack names them for a stage (without account and region). */
export const localBucketName = (bucket: BucketName): string => `local-tp-${bucketSuffix[bucket]}`;

/**
 * The two buckets as the stack builds them (infra/buckets.ts): the vault with Object Lock, the
 * upload area with the same CORS rule as in AWS, for the given origins of the application.
 */
export const localBuckets = (appOrigins: readonly string[]): Record<BucketName, LocalBucket> => ({
  vault: { name: localBucketName('vault'), objectLock: objectLocked.vault },
  uploads: { name: localBucketName('uploads'), objectLock: objectLocked.uploads, cors: uploadCorsRule(appOrigins.map(originOf)) },
});

export interface S3Emulator extends Emulator {
  readonly server: S3rver;
}

export interface S3EmulatorOptions {
  /**
   * Wraps the request handler, outside the S3 rules (./s3Rules.ts): the place of a gateway that
   * checks signatures and IAM before S3 sees the request (gateway, then S3 rules, then s3rver).
   */
  readonly outer?: (handler: RequestListener) => RequestListener;
  /** Key pairs s3rver must know besides `local` (each function's, given by the gateway). */
  readonly keyPairs?: readonly { readonly accessKeyId: string; readonly secretAccessKey: string }[];
}

/**
 * s3rver knows one key pair (S3RVER); the project's offline clients sign with `local`/`local`
 * (shared/aws/s3.ts). Registering it keeps SDK calls and presigned URLs accepted.
 */
const registerLocalKey = () => s3rverAccounts.DUMMY_ACCOUNT.createKeyPair('local', 'local');

/**
 * s3rver with the given buckets, behind the S3 rules it lacks (a checksum on every write to a
 * locked bucket, ./s3Rules.ts). Each bucket's CORS is exactly its declared rule: one kept in the
 * data folder from an earlier run is removed when the bucket declares none.
 */
export const startS3 = async (dataDir: string, port: number, host: string, buckets: readonly LocalBucket[], options: S3EmulatorOptions = {}): Promise<S3Emulator> => {
  registerLocalKey();
  for (const pair of options.keyPairs ?? []) s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(pair.accessKeyId, pair.secretAccessKey);
  const directory = join(dataDir, 's3');
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: host,
    port,
    silent: true,
    directory,
    // The SDK signs with dummy credentials; presigned URLs are signed by the same ones.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: buckets.map((bucket) => ({ name: bucket.name, configs: bucket.cors ? [corsConfigurationXml(bucket.cors)] : [] })),
  });
  const lockedBuckets = new Set(buckets.filter((bucket) => bucket.objectLock).map((bucket) => bucket.name));
  // s3rver (Koa) builds its server's request handler from callback() when it starts listening.
  const callback = server.callback.bind(server);
  server.callback = () => {
    const strict = withS3Rules(callback(), { lockedBuckets });
    return options.outer ? options.outer(strict) : strict;
  };
  const address = await server.run();
  for (const bucket of buckets) if (!bucket.cors) await server.store.deleteSubresource(bucket.name, undefined, 'cors');
  return { server, port: address.port, endpoint: `http://${host}:${address.port}`, stop: () => server.close() };
};

type SesServer = (config: { host: string; port: number }) => Promise<Server>;

/** The package is CommonJS with an `exports.default`: Node and vitest expose it at different depths. */
const sesServer = (): SesServer => {
  const candidates: unknown[] = [sesModule.default, (sesModule.default as unknown as { default?: unknown }).default];
  const found = candidates.find((c): c is SesServer => typeof c === 'function');
  if (!found) throw new Error('aws-ses-v2-local: no server factory found');
  return found;
};

/**
 * Starts the SES emulator. Its mailbox lives in memory; it is copied to `mailboxFile` every few
 * seconds and on stop, and put back at start, so the mailbox page still shows yesterday's mails
 * after a restart (they are not sent again: the outbox already knows them).
 */
export const startSes = async (port: number, host: string, mailboxFile: string, options: GuardOptions = {}): Promise<Emulator> => {
  const store = getStoreReadonly();
  if (store.emails.length === 0) store.emails.push(...((await readJson<Email[]>(mailboxFile)) ?? []));
  const server = await sesServer()({ host, port });
  if (!server.listening) throw new Error(`SES emulator could not listen on ${host}:${port}`);
  guard(server, options.outer);
  const actual = (server.address() as AddressInfo).port;
  let saved = store.emails.length;
  const save = async () => {
    if (store.emails.length === saved) return;
    saved = store.emails.length;
    await writeJsonAtomic(mailboxFile, store.emails);
  };
  const timer = setInterval(() => void save().catch(() => undefined), 2_000);
  timer.unref();
  return {
    port: actual,
    endpoint: `http://${host}:${actual}`,
    stop: async () => {
      clearInterval(timer);
      await save();
      await closeServer(server);
    },
  };
};
