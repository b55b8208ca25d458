import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import sparticuzChromium from '@sparticuz/chromium';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { startOfflineRuntime, type OfflineRuntime } from '../../infra/offline/index.js';

/**
 * The Chromium that `@sparticuz/chromium` ships compressed inside its npm package (unpacked to /tmp
 * on first use: no download, no Debian package), headless, with this project's own flags. Its
 * default `args` are never used: they carry `--single-process` (a second browser context dies) and
 * `--disable-web-security` (CSP and CORS checks would pass for nothing). No background connections:
 * the network is closed and Chromium would retry them at every start.
 */
export const launchChromium = async (): Promise<Browser> => {
  const suite = expect.getState().testPath ?? 'this browser suite';
  let executablePath: string;
  try {
    executablePath = await sparticuzChromium.executablePath();
  } catch (error) {
    throw new Error(
      `${suite} needs the Chromium of the npm package @sparticuz/chromium, which could not be unpacked (${String(error)}): run \`npm ci\` and make sure /tmp is writable.`,
      { cause: error },
    );
  }
  try {
    return await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-zygote',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  } catch (error) {
    throw new Error(
      `${suite} could not start Chromium (${executablePath}, from @sparticuz/chromium): reinstall it with \`npm ci\`; on a machine other than Linux x64/arm64, that package has no binary.`,
      { cause: error },
    );
  }
};

/** axe-core on a page as it stands: its serious and critical violations, named by rule and element. */
export const seriousAxeViolations = async (page: Page): Promise<string[]> => {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
};

/**
 * Signs a demo user in through the local sign-in page, in a fresh French context on Paris time,
 * and leaves the page where the home route sends that role.
 */
export const signInAs = async (browser: Browser, appUrl: string, handle: string): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  await page.goto(`${appUrl}/`);
  await page.waitForURL((url) => url.pathname.startsWith('/connexion'));
  await page.check(`input[name="utilisateur"][value="${handle}"]`);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/connexion')), page.click('button[type="submit"]')]);
  return { context, page };
};

export interface OfflineBrowserStack {
  readonly runtime: OfflineRuntime;
  readonly browser: Browser;
  /** reports/screenshots/ (gitignored), created before the suite. */
  readonly shots: string;
}

/**
 * A browser suite's stack: the whole offline runtime on ephemeral ports in a fresh temporary
 * folder, its clock set to `now`, and Chromium; both stopped and the folder removed after the
 * suite. The fields are there once the suite's `beforeAll` has run.
 */
export const offlineStackInBrowser = (options: { readonly name: string; readonly now: Date }): OfflineBrowserStack => {
  const stack = { shots: join(process.cwd(), 'reports', 'screenshots') } as { runtime: OfflineRuntime; browser: Browser; shots: string };
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `tp-${options.name}-`));
    await mkdir(stack.shots, { recursive: true });
    stack.runtime = await startOfflineRuntime({ dataDir, declarations: functionDeclarations, ports: 0, fresh: true, now: options.now, log: () => undefined });
    stack.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await stack.browser?.close();
    await stack.runtime?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return stack;
};
