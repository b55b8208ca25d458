/**
 * `npm run bench:start [-- --runs 3 --demo]`
 *
 * What a newcomer waits for and what the offline runtime costs: the time from launching
 * `npm start` (the same command line: tsx scripts/start.ts) to the first answered request
 * (`GET /connexion` → 200), on an empty data folder (first start) and on the same folder again
 * (restart); the resident memory (RSS) of the process tree at rest, 5 s after the first answer;
 * then, with `--demo` (on by default), the RSS after `npm run demo` has run a whole session against
 * it. Ports are free ones picked at random so the bench runs beside a started system. The figures
 * depend on the machine's load: the bench prints the load average next to them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, demo: { type: 'boolean', default: true }, 'no-demo': { type: 'boolean', default: false } } });
const runs = Math.max(1, Number(values.runs));
const withDemo = values.demo && !values['no-demo'];
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** Every process of the tree under `pid` (tsx runs the script in a child node process). */
const tree = async (pid: number): Promise<number[]> => {
  const children: number[] = [];
  try {
    for (const task of await readdir(`/proc/${pid}/task`)) {
      const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
      children.push(...text.split(/\s+/).filter(Boolean).map(Number));
    }
  } catch {
    return [];
  }
  return [pid, ...(await Promise.all(children.map(tree))).flat()];
};

const rssMb = async (pid: number): Promise<{ total: number; largest: number }> => {
  const sizes = await Promise.all(
    (await tree(pid)).map(async (p) => {
      const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    }),
  );
  return { total: sizes.reduce((a, b) => a + b, 0), largest: Math.max(0, ...sizes) };
};

interface Started {
  readonly child: ChildProcess;
  readonly ms: number;
  readonly appUrl: string;
  readonly ports: { app: number; mailbox: number };
}

const start = async (dataDir: string, fresh: boolean): Promise<Started> => {
  const ports = { app: await freePort(), mailbox: await freePort(), dynamodb: await freePort(), s3: await freePort() };
  const args = [
    'scripts/start.ts',
    '--data',
    dataDir,
    '--port',
    `${ports.app}`,
    '--mailbox-port',
    `${ports.mailbox}`,
    '--dynamodb-port',
    `${ports.dynamodb}`,
    '--s3-port',
    `${ports.s3}`,
    ...(fresh ? ['--fresh'] : []),
  ];
  const t0 = performance.now();
  const child = spawn(tsx, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const appUrl = `http://127.0.0.1:${ports.app}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    const ok = await fetch(`${appUrl}/connexion`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { child, ms: performance.now() - t0, appUrl, ports };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const stop = async (started: Started): Promise<number> => {
  const t0 = performance.now();
  const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
  started.child.kill('SIGINT');
  await exited;
  return performance.now() - t0;
};

const runDemo = (started: Started) =>
  new Promise<number>((resolve, reject) => {
    const t0 = performance.now();
    const demo = spawn(tsx, ['scripts/demo.ts', '--url', started.appUrl, '--mailbox', `http://127.0.0.1:${started.ports.mailbox}/`], { stdio: ['ignore', 'ignore', 'inherit'] });
    demo.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`demo exited with ${code}`))));
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const main = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tp-bench-start-'));
  const first: number[] = [];
  const again: number[] = [];
  const stops: number[] = [];
  let atRest = { total: 0, largest: 0 };
  let afterDemo: { total: number; largest: number } | undefined;
  let demoMs = 0;
  console.log(
    `npm start → first answered request, ${runs} run(s); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${(await readFile('/proc/cpuinfo', 'utf8')).match(/^processor/gm)?.length ?? '?'} CPU(s)`,
  );
  for (let i = 0; i < runs; i += 1) {
    const cold = await start(dataDir, true);
    first.push(cold.ms);
    stops.push(await stop(cold));
    const warm = await start(dataDir, false);
    again.push(warm.ms);
    if (i === runs - 1) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      atRest = await rssMb(warm.child.pid ?? 0);
      if (withDemo) {
        demoMs = await runDemo(warm);
        afterDemo = await rssMb(warm.child.pid ?? 0);
      }
    }
    stops.push(await stop(warm));
  }
  await rm(dataDir, { recursive: true, force: true });
  console.log(`  first start (empty data)   median ${fmt(median(first))}   runs ${first.map(fmt).join(', ')}`);
  console.log(`  restart (data kept)        median ${fmt(median(again))}   runs ${again.map(fmt).join(', ')}`);
  console.log(`  clean stop on SIGINT       median ${fmt(median(stops))}`);
  console.log(`  RSS at rest                ${atRest.total.toFixed(0)} MB (process tree), ${atRest.largest.toFixed(0)} MB the runtime process`);
  if (afterDemo)
    console.log(`  RSS after the demo         ${afterDemo.total.toFixed(0)} MB (process tree), ${afterDemo.largest.toFixed(0)} MB the runtime process; demo took ${fmt(demoMs)}`);
  console.log(
    `  load average at the end    ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
