import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Event } from 'aws-lambda';
import { findDemoUser, openLocalIdentityProvider } from '../../shared/auth/localIdp.js';
import { createTokenVerifier, JWKS_PATH } from '../../shared/auth/verify.js';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { clockOffsetMs, setClockTo, systemClock } from '../../shared/platform/clock.js';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';
import { AUTH_ENV, ENV, secretEnv, tableEnv } from '../../shared/platform/env.js';
import { ensureTables, tableNameMap, type TableNameMap } from '../../shared/platform/provision.js';
import { tableNames, tables } from '../../shared/platform/tables.js';
import { ChangeFeed } from './changeFeed.js';
import { seedAgrements } from './demo/agrements.js';
import { rncpSample, seedTitres } from './demo/titres.js';
import { localBucketName, localBuckets, startDynamo, startS3, startSes, type Emulator } from './emulators.js';
import { readJson, writeJsonAtomic } from './files.js';
import { handleApiRequest, RUNTIME_ANSWER_HEADER, sendJson, type HttpTarget } from './httpApi.js';
import { createInvocationObserver, type FunctionLogs } from './invocations.js';
import { loadFunction, type LoadedFunction } from './lambda.js';
import { createLocalPages } from './localPages.js';
import { assertPortFree } from './ports.js';
import { compileRoute, RouteTable } from './routes.js';
import { LocalQueues } from './queue.js';
import { LocalSecretsManager } from './secrets.js';
import { hostEnv, withEnvironment } from './iam/environment.js';
import { functionEnvironment, operatorEnvironment } from './iam/functionEnvironment.js';
import { IamGateway } from './iam/gateway.js';
import { LOCAL_ACCOUNT, TemplateResolver } from './iam/resolve.js';
import { offlineTemplate } from './iam/template.js';
import { S3Notifier } from './s3Events.js';
import { Scheduler, type FiredSchedule } from './scheduler.js';

/** The runtime's fixed default ports (`npm start`); each can be changed by a flag or an env var. */
export interface RuntimePorts {
  readonly app: number;
  readonly mailbox: number;
  readonly dynamodb: number;
  readonly s3: number;
}

export const DEFAULT_PORTS: RuntimePorts = { app: 3000, mailbox: 8005, dynamodb: 4567, s3: 4569 };

/** Flag (and env var) that changes each port, named in the "port taken" message. */
const PORT_FLAGS: Readonly<Record<keyof RuntimePorts, string>> = {
  app: '--port (PORT)',
  mailbox: '--mailbox-port (MAILBOX_PORT)',
  dynamodb: '--dynamodb-port (DYNAMODB_PORT)',
  s3: '--s3-port (S3_PORT)',
};

export interface OfflineRuntimeOptions {
  /** Where everything is kept: DynamoDB, S3, keys, checkpoints, clock. */
  readonly dataDir: string;
  /** The functions to run, usually `functionDeclarations` from functions/index.ts. */
  readonly declarations: readonly FunctionDeclaration[];
  /** `0` for ephemeral ports everywhere (tests), or some ports fixed. Defaults to {@link DEFAULT_PORTS}. */
  readonly ports?: 0 | Partial<RuntimePorts>;
  /** Interface to listen on; the runtime never listens beyond the machine. */
  readonly host?: string;
  /** Sets the clock at start (`--now 2027-01-20`); otherwise the clock resumes where it was left. */
  readonly now?: Date;
  /** Wipes the data folder first (`--fresh`). */
  readonly fresh?: boolean;
  /** Repository root, to resolve the declarations' entries. */
  readonly rootDir?: string;
  /** Catch-up interval of the change feed (ms), and pause before a failed batch is retried. */
  readonly feedPollMs?: number;
  /** Deliveries of a failing stream batch before it goes to the dead-letter file. */
  readonly maxAttempts?: number;
  /** How often schedules are checked against the clock (ms). */
  readonly schedulerTickMs?: number;
  readonly log?: (line: string) => void;
  /**
   * What `log` shows of the functions: one line per invocation (`lines`, the default), or also the
   * JSON lines and EMF metrics they write (`json`, `npm start -- --logs json`).
   */
  readonly functionLogs?: FunctionLogs;
  /** Imports the sample titres and records the demo centres' agréments at start (default), when the API is among the functions. */
  readonly seedAgrements?: boolean;
  /** Observes every invocation (tests: proves a declared function is reachable). */
  readonly onInvoke?: (functionName: string, event: unknown) => void;
}

export interface OfflineRuntime {
  readonly urls: { readonly app: string; readonly mailbox: string; readonly dynamodb: string; readonly s3: string; readonly ses: string };
  readonly ports: RuntimePorts;
  readonly dataDir: string;
  readonly tables: TableNameMap;
  /** The vault (Object Lock offline too: a write without checksum is refused). */
  readonly bucket: string;
  /** The upload area: browsers PUT there, the intake is notified from there, quarantine is there. */
  readonly uploadBucket: string;
  /** Dead-letter files of stream, schedule and S3 deliveries that kept failing. */
  readonly deadLetterDir: string;
  readonly functions: readonly FunctionDeclaration[];
  /** The environment a function runs in: its Lambda's variables, resolved to local values, and what Lambda sets. */
  environmentOf(functionName: string): Readonly<Record<string, string | undefined>> | undefined;
  /** A signed token for a demo user (`centre`, `centre2`, `ud`, `region`, `juror`). */
  signIn(handle: string): Promise<string>;
  /** Moves the clock forward and fires the schedules that fell due, once per day each. */
  moveClockTo(target: Date): Promise<FiredSchedule[]>;
  /** Delivers everything pending (S3 notifications, stream records and what they cause). */
  drain(): Promise<void>;
  /** Stops everything cleanly: in-flight deliveries finish and are acknowledged. */
  stop(): Promise<void>;
  /** Stops as a crash would (SIGKILL): in-flight batches are not acknowledged. */
  crash(): Promise<void>;
}

const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const PV_BUCKET_LOCAL = localBucketName('vault');
const UPLOAD_BUCKET_LOCAL = localBucketName('uploads');
export const LOCAL_STAGE = 'local';
export const LOCAL_MAIL_FROM = 'ne-pas-repondre@tp-sessions.local';

const resolvePorts = (ports: OfflineRuntimeOptions['ports']): RuntimePorts => (ports === 0 ? { app: 0, mailbox: 0, dynamodb: 0, s3: 0 } : { ...DEFAULT_PORTS, ...(ports ?? {}) });

const closeServer = (server: Server) =>
  new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });

interface LocalSecrets {
  readonly cursorSecret: string;
}

/**
 * Starts the whole system offline in this process: emulators, tables and bucket, the functions of
 * the declarations bound to their triggers, the local sign-in and the movable clock. Used by
 * `npm start` and by the tests (on ephemeral ports, with their own data folder).
 */
export const startOfflineRuntime = async (options: OfflineRuntimeOptions): Promise<OfflineRuntime> => {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  const stateDir = join(dataDir, 'offline');
  const wanted = resolvePorts(options.ports);
  const rootDir = options.rootDir ?? repositoryRoot;

  for (const [service, port] of Object.entries(wanted) as [keyof RuntimePorts, number][]) await assertPortFree(port, host, service, PORT_FLAGS[service]);
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });
  await mkdir(stateDir, { recursive: true });

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`✗ stop: ${(error as Error).message}`));
    stops.length = 0;
  };

  try {
    // The app server listens first (answering 503 until ready) so its URL is known to the S3 CORS rules and the env.
    const serve: { ready?: (request: IncomingMessage, response: ServerResponse) => Promise<void> } = {};
    const app = createServer((request, response) => {
      const ready = serve.ready;
      if (!ready) return sendJson(response, 503, { message: 'Démarrage en cours / starting' }, { [RUNTIME_ANSWER_HEADER]: 'starting' });
      ready(request, response).catch((error: unknown) => {
        log(`✗ ${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' }, { [RUNTIME_ANSWER_HEADER]: 'runtime-error' });
        else response.end();
      });
    });
    app.keepAliveTimeout = 5_000;
    await new Promise<void>((done, fail) => {
      app.once('error', fail);
      app.listen(wanted.app, host, () => done());
    });
    stops.push(() => closeServer(app));
    const appPort = (app.address() as AddressInfo).port;
    const appUrl = `http://localhost:${appPort}`;

    // The clock: set by --now, or resumed where a person left it (the offset is kept on disk).
    const clockFile = join(stateDir, 'clock.json');
    if (options.now) setClockTo(options.now);
    else setClockTo(new Date(Date.now() + ((await readJson<{ offsetMs: number }>(clockFile))?.offsetMs ?? 0)));
    const saveClock = () => writeJsonAtomic(clockFile, { offsetMs: clockOffsetMs(), now: systemClock.now().toISOString() });
    await saveClock();

    const idp = await openLocalIdentityProvider(join(stateDir, 'idp-key.json'));
    const verify = createTokenVerifier({ issuer: idp.issuer, audience: idp.audience, jwks: idp.jwks });
    const secrets = (await readJson<LocalSecrets>(join(stateDir, 'secrets.json'))) ?? { cursorSecret: randomBytes(32).toString('hex') };
    await writeJsonAtomic(join(stateDir, 'secrets.json'), secrets);
    // Functions get the secret's ARN, as in AWS, and read its value from the stand-in.
    const secretsManager = new LocalSecretsManager([{ name: `${LOCAL_STAGE}-tp-cursor-secret`, value: secrets.cursorSecret }]);

    // IAM offline: each function's variables and role come from the synthesized template (cached),
    // and every call to an emulator goes through the gateway that checks them (./iam/gateway.ts).
    const region = hostEnv().AWS_REGION ?? 'eu-west-3';
    const { template } = await offlineTemplate(options.declarations, rootDir);
    const resolver = new TemplateResolver(template, {
      partition: { account: LOCAL_ACCOUNT, region },
      stage: LOCAL_STAGE,
      appUrl,
      queueBaseUrl: `http://127.0.0.1:${appPort}`,
      auth: { issuer: idp.issuer, audience: idp.audience, jwksUrl: `http://127.0.0.1:${appPort}${JWKS_PATH}` },
      secretArn: (name) => secretsManager.arnOf(name),
    });
    const offlineFunctions = options.declarations.map((declaration) => resolver.offlineFunction(declaration));
    const gateway = new IamGateway({ partition: { account: LOCAL_ACCOUNT, region }, functions: offlineFunctions, secretArnOf: (id) => secretsManager.arnOf(id), log });
    // The runtime's own clients sign as the operator, whatever credentials the shell holds.
    const asOperator = <T>(fn: () => T): T => withEnvironment({ ...hostEnv(), ...operatorEnvironment }, fn);

    const dynamo: Emulator = await startDynamo(dataDir, wanted.dynamodb, host, { outer: (handler) => gateway.dynamo(handler) });
    stops.push(dynamo.stop);
    const dynamoClient = asOperator(() => createDynamoClient({ endpoint: dynamo.endpoint, maxAttempts: 3 }));
    stops.push(async () => dynamoClient.destroy());
    const tableMap = tableNameMap(LOCAL_STAGE);
    await ensureTables(dynamoClient, tableMap);

    const s3 = await startS3(dataDir, wanted.s3, host, Object.values(localBuckets([appUrl, `http://127.0.0.1:${appPort}`])), {
      outer: (handler) => gateway.s3(handler),
      keyPairs: gateway.keyPairs(),
    });
    stops.push(s3.stop);
    const ses = await startSes(wanted.mailbox, host, join(stateDir, 'mailbox.json'), { outer: (handler) => gateway.ses(handler) });
    stops.push(ses.stop);
    const mailboxUrl = `http://localhost:${ses.port}/`;

    // The runtime's own environment (outside any function): every local name and endpoint, and the
    // operator's key. Functions never see it: each runs in its own (functionEnvironment below).
    const environment: Record<string, string> = {
      AWS_REGION: region,
      ...operatorEnvironment,
      [ENV.STAGE]: LOCAL_STAGE,
      [ENV.PV_BUCKET]: PV_BUCKET_LOCAL,
      [ENV.UPLOAD_BUCKET]: UPLOAD_BUCKET_LOCAL,
      [ENV.MAIL_FROM]: LOCAL_MAIL_FROM,
      [ENV.SES_CONFIGURATION_SET]: 'local',
      [secretEnv.cursor]: secretsManager.arnOf(`${LOCAL_STAGE}-tp-cursor-secret`),
      [ENV.SECRETS_MANAGER_ENDPOINT]: `http://127.0.0.1:${appPort}`,
      [ENV.APP_URL]: appUrl,
      [ENV.DYNAMODB_ENDPOINT]: dynamo.endpoint,
      [ENV.S3_ENDPOINT]: s3.endpoint,
      [ENV.SES_ENDPOINT]: ses.endpoint,
      // SQS calls come to the app's port (recognised by their X-Amz-Target header).
      [ENV.SQS_ENDPOINT]: `http://127.0.0.1:${appPort}`,
      ...(options.declarations.some((d) => d.trigger.kind === 'queue' && d.trigger.queue === 'mailRetry')
        ? { [ENV.MAIL_DLQ_URL]: `http://127.0.0.1:${appPort}/${LOCAL_ACCOUNT}/${LOCAL_STAGE}-tp-mail-retry` }
        : {}),
      [AUTH_ENV.ISSUER]: idp.issuer,
      [AUTH_ENV.AUDIENCE]: idp.audience,
      [AUTH_ENV.JWKS_URL]: `http://127.0.0.1:${appPort}${JWKS_PATH}`,
      // Set by Lambda where one instance runs several invocations at once, as this process does:
      // the logger then keeps each invocation's log keys and metrics apart (invocations.ts).
      AWS_LAMBDA_MAX_CONCURRENCY: '4',
      ...Object.fromEntries(tableNames.map((table) => [tableEnv[table], tableMap[table]])),
    };
    Object.assign(process.env, environment);

    const loaded: LoadedFunction[] = [];
    const functionEnvironments = new Map<string, NodeJS.ProcessEnv>();
    const observer = createInvocationObserver({ log, logs: options.functionLogs ?? 'lines' });
    const endpoints = {
      [ENV.DYNAMODB_ENDPOINT]: dynamo.endpoint,
      [ENV.S3_ENDPOINT]: s3.endpoint,
      [ENV.SES_ENDPOINT]: ses.endpoint,
      [ENV.SQS_ENDPOINT]: `http://127.0.0.1:${appPort}`,
      [ENV.SECRETS_MANAGER_ENDPOINT]: `http://127.0.0.1:${appPort}`,
    };
    for (const [index, declaration] of options.declarations.entries()) {
      const fn = offlineFunctions[index];
      if (!fn) continue;
      const own = functionEnvironment(fn, { region, credentials: gateway.credentialsOf(fn.name), memoryMb: declaration.memoryMb ?? 512, endpoints, host: hostEnv() });
      functionEnvironments.set(declaration.name, own);
      loaded.push(await loadFunction(declaration, rootDir, options.onInvoke, observer, own));
    }

    // Commits are only written by functions: after each invocation the feed looks at once.
    const nudge = () => feed.nudge();

    const routes = new RouteTable<HttpTarget>(
      loaded.flatMap((fn) => (fn.declaration.trigger.kind === 'http' ? fn.declaration.trigger.routes.map((route) => compileRoute(route, { fn, route })) : [])),
    );
    const eventsTable = tableNames.find((name) => tables[name].stream) ?? 'events';
    const feed: ChangeFeed = new ChangeFeed({
      client: dynamoClient,
      tableName: tableMap[eventsTable],
      consumers: loaded.filter((fn) => fn.declaration.trigger.kind === 'stream'),
      stateDir,
      pollIntervalMs: options.feedPollMs ?? 1_000,
      maxAttempts: options.maxAttempts ?? 3,
      log,
      afterInvoke: nudge,
    });
    const s3Notifier = new S3Notifier({
      functions: loaded.filter((fn) => fn.declaration.trigger.kind === 's3'),
      bucketNames: { vault: PV_BUCKET_LOCAL, uploads: UPLOAD_BUCKET_LOCAL },
      stateDir,
      retries: 2,
      log,
      afterInvoke: nudge,
    });
    s3.server.on('event', (event: S3Event) => s3Notifier.receive(event));
    const queues = new LocalQueues({
      functions: loaded,
      stateDir,
      appUrl: `http://127.0.0.1:${appPort}`,
      pollMs: options.feedPollMs ?? 1_000,
      visibilityMs: options.feedPollMs ?? 30_000,
      maxReceiveCount: 5,
      log,
      afterInvoke: nudge,
    });
    const drain = async () => {
      for (let round = 0; round < 20; round += 1) {
        await s3Notifier.settle();
        await feed.drain();
        if ((await queues.deliver()) === 0) return;
      }
    };
    const scheduler = new Scheduler({
      functions: loaded.filter((fn) => fn.declaration.trigger.kind === 'schedule'),
      stateDir,
      tickMs: options.schedulerTickMs ?? 15_000,
      maxAttempts: 3,
      log,
      afterFire: drain,
    });
    const moveClockTo = async (target: Date) => {
      const fired = await scheduler.moveClockTo(target);
      await saveClock();
      await drain();
      return fired;
    };

    // The runtime's own pages are served first: a declared route on the same path would never be reached.
    for (const [method, path] of [
      ['GET', '/connexion'],
      ['POST', '/connexion'],
      ['GET', '/deconnexion'],
      ['POST', '/local/token'],
      ['GET', '/local/clock'],
      ['POST', '/local/clock'],
      ['GET', '/local/horloge'],
      ['GET', JWKS_PATH],
    ] as const) {
      const shadowed = routes.match(method, path);
      if (shadowed) log(`⚠ ${shadowed.route.routeKey} (${shadowed.route.target.fn.declaration.name}) is shadowed offline by the runtime's ${method} ${path}`);
    }
    const localPages = createLocalPages({
      idp,
      verify,
      hasHome: routes.match('GET', '/') !== undefined,
      mailboxUrl,
      clock: { now: () => systemClock.now(), moveTo: moveClockTo },
    });
    const failed = (response: ServerResponse) => (error: unknown) => {
      log(`✗ ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' }, { [RUNTIME_ANSWER_HEADER]: 'runtime-error' });
    };
    const guardedQueues = gateway.sqs((request, response) => void queues.handle(request, response).catch(failed(response)));
    const guardedSecrets = gateway.secretsManager((request, response) => void secretsManager.handle(request, response).catch(failed(response)));
    serve.ready = async (request, response) => {
      if (LocalQueues.isSqsCall(request)) return guardedQueues(request, response);
      if (LocalSecretsManager.isSecretsManagerCall(request)) return guardedSecrets(request, response);
      if (await localPages(request, response)) return;
      await handleApiRequest(request, response, { routes, verify, afterInvoke: nudge, log });
    };

    await queues.start();
    await feed.start();
    stops.push(() => feed.stop());
    let crashing = false;
    stops.push(() => queues.stop(!crashing));
    // A crash waits for nothing: what is in flight is simply lost, and delivered again after a restart.
    stops.push(() => (crashing ? Promise.resolve() : s3Notifier.stop()));
    await scheduler.start(options.now !== undefined);
    stops.push(() => (crashing ? scheduler.abandon() : scheduler.stop()));
    // The sample titres, then the demo centres' agréments that name them, recorded by the demo regional direction through the API (idempotent).
    const regionalDirection = findDemoUser('region');
    if ((options.seedAgrements ?? true) && regionalDirection && routes.match('POST', '/api/agrements')) {
      const token = await idp.sign(regionalDirection.claims);
      await seedTitres(appUrl, token, await rncpSample(rootDir));
      await seedAgrements(appUrl, token);
      // Ready once projected: a function instance started later reads the titres from the views.
      await drain();
    }

    let stopped = false;
    return {
      urls: { app: appUrl, mailbox: mailboxUrl, dynamodb: dynamo.endpoint, s3: s3.endpoint, ses: ses.endpoint },
      ports: { app: appPort, mailbox: ses.port, dynamodb: dynamo.port, s3: s3.port },
      dataDir,
      tables: tableMap,
      bucket: PV_BUCKET_LOCAL,
      uploadBucket: UPLOAD_BUCKET_LOCAL,
      deadLetterDir: join(stateDir, 'dead-letters'),
      functions: options.declarations,
      environmentOf: (functionName) => functionEnvironments.get(functionName),
      signIn: async (handle) => {
        const user = findDemoUser(handle);
        if (!user) throw new Error(`Unknown demo user ${handle}`);
        return idp.sign(user.claims);
      },
      moveClockTo,
      drain,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
      crash: async () => {
        if (stopped) return;
        stopped = true;
        crashing = true;
        feed.crash();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
