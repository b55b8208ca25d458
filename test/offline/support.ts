import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOfflineRuntime, type OfflineRuntime, type OfflineRuntimeOptions } from '../../infra/offline/index.js';
import { fixtureDeclarations } from './fixtures/declarations.js';

/** A data folder of its own for each test file, removed at the end. */
export const temporaryDataDir = async (): Promise<{ path: string; remove: () => Promise<void> }> => {
  const path = await mkdtemp(join(tmpdir(), 'tp-offline-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
};

export const quietLog: string[] = [];

/** Boots the runtime on ephemeral ports (or the ports of a previous run, to restart it). */
export const boot = (dataDir: string, overrides: Partial<OfflineRuntimeOptions> = {}): Promise<OfflineRuntime> =>
  startOfflineRuntime({
    dataDir,
    declarations: fixtureDeclarations,
    ports: 0,
    feedPollMs: 50,
    maxAttempts: 3,
    schedulerTickMs: 60_000,
    log: (line) => quietLog.push(line),
    ...overrides,
  });

export const tokenFor = async (runtime: OfflineRuntime, user: string): Promise<string> => {
  const response = await fetch(`${runtime.urls.app}/local/token`, { method: 'POST', body: JSON.stringify({ user }) });
  const { token } = (await response.json()) as { token: string };
  return token;
};

/** Polls until the check passes (deliveries are asynchronous, as in AWS). */
export const eventually = async <T>(check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
