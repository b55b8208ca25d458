import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, with the flags this machine needs: no sandbox as root, and no
 * background connections (the network is closed; Chromium would otherwise retry them at every start).
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

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
