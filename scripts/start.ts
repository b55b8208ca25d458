import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { functionDeclarations } from '../functions/index.js';
import { banner } from '../infra/offline/banner.js';
import { DEFAULT_PORTS, PortInUseError, startOfflineRuntime, type RuntimePorts } from '../infra/offline/index.js';
import { systemClock } from '../shared/platform/clock.js';

/**
 * `npm start`: the whole system offline, in one process, on fixed ports.
 *   --port 3000 (PORT)  --mailbox-port 8005 (MAILBOX_PORT)  --dynamodb-port 4567 (DYNAMODB_PORT)
 *   --s3-port 4569 (S3_PORT)  --data .data (TP_DATA_DIR)  --fresh  --now 2027-01-20 (TP_NOW)
 *   --logs lines|json (TP_LOGS): one line per invocation, or also the functions' JSON lines and metrics
 */
const startedAt = performance.now();

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        'mailbox-port': { type: 'string' },
        'dynamodb-port': { type: 'string' },
        's3-port': { type: 'string' },
        data: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        now: { type: 'string' },
        logs: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`Option inconnue / unknown option: ${(error as Error).message}`);
  }
})();

if (values.help) {
  console.log('npm start -- [--port 3000] [--mailbox-port 8005] [--dynamodb-port 4567] [--s3-port 4569] [--data .data] [--fresh] [--now 2027-01-20] [--logs lines|json]');
  process.exit(0);
}

const port = (flag: string | undefined, envName: string, fallback: number): number => {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) return fail(`Port invalide / invalid port for ${envName}: ${raw}`);
  return value;
};

const ports: RuntimePorts = {
  app: port(values.port, 'PORT', DEFAULT_PORTS.app),
  mailbox: port(values['mailbox-port'], 'MAILBOX_PORT', DEFAULT_PORTS.mailbox),
  dynamodb: port(values['dynamodb-port'], 'DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
  s3: port(values['s3-port'], 'S3_PORT', DEFAULT_PORTS.s3),
};

const nowText = values.now ?? process.env.TP_NOW;
let now: Date | undefined;
if (nowText) {
  // A bare date means that morning: 08:00 UTC, 9:00 in Paris in winter and 10:00 in summer.
  now = new Date(/^\d{4}-\d{2}-\d{2}$/.test(nowText) ? `${nowText}T08:00:00Z` : nowText);
  if (Number.isNaN(now.getTime())) fail(`Date invalide pour --now / invalid --now date: ${nowText} (ex. 2027-01-20)`);
}

const dataDir = resolve(values.data ?? process.env.TP_DATA_DIR ?? '.data');

const functionLogs = values.logs ?? process.env.TP_LOGS ?? 'lines';
if (functionLogs !== 'lines' && functionLogs !== 'json') fail(`--logs attend lines ou json / --logs expects lines or json: ${functionLogs}`);

try {
  const runtime = await startOfflineRuntime({
    dataDir,
    declarations: functionDeclarations,
    ports,
    fresh: values.fresh,
    functionLogs: functionLogs === 'json' ? 'json' : 'lines',
    ...(now ? { now } : {}),
  });
  console.log(banner(runtime, systemClock.now(), performance.now() - startedAt));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      console.log('Arrêt forcé / forced exit.');
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal} : arrêt en cours… / stopping…`);
    runtime.stop().then(
      () => {
        console.log('Arrêté. Les données sont conservées dans / data kept in', dataDir);
        process.exit(0);
      },
      (error: unknown) => fail(`Arrêt incomplet / incomplete stop: ${(error as Error).message}`),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof PortInUseError) fail(error.message);
  fail(`Le démarrage a échoué / start failed: ${(error as Error).message}`);
}
