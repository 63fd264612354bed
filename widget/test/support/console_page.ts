// Driving the duty console in Chromium as a counselor would: enrolment through the console's
// own screens (the account invited with `haven counselor invite`, the TOTP secret read off the
// set-up screen and its codes computed here), certification by the administrator, and login.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { kScreenshotDir } from './browser';
import type { HavenUnderTest } from './haven_under_test';
import { certify, fromBase32, invite, TotpCodes, totpCode, type InviteOptions } from './real_counselor';

export interface ConsoleAccount {
  readonly handle: string;
  readonly name: string;
  readonly passphrase: string;
  readonly secret: Uint8Array;
}

export const totp = new TotpCodes();

export async function newConsolePage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'bg-BG', acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[console page error] ${error.message}`));
  return { context, page };
}

export function consoleUrl(haven: HavenUnderTest, query = ''): string {
  return `${haven.origin}/console/${query}`;
}

/** Invites `handle` and enrols it through the console's screens; certifies unless told not to. */
export async function enrolThroughConsole(
  page: Page,
  haven: HavenUnderTest,
  handle: string,
  name: string,
  options: InviteOptions & { certify?: boolean; screenshots?: string; lang?: 'bg' | 'en' } = {},
): Promise<ConsoleAccount> {
  const server = haven.server;
  if (server === undefined) throw new Error('enrolment needs the real server');
  const code = invite(server, handle, name, options);
  await page.goto(consoleUrl(haven, options.lang === 'en' ? '?lang=en' : ''));
  await page.locator('#to-enrol').click();
  await page.locator('#enrol-form input[name="handle"]').fill(handle);
  await page.locator('#enrol-form input[name="code"]').fill(code.toLowerCase());
  if (options.screenshots) await shot(page, `${options.screenshots}-enrol-code`);
  await page.locator('#enrol-form button[type="submit"]').click();
  await page.locator('#totp-secret').waitFor();
  const secret = fromBase32((await page.locator('#totp-secret').textContent()) ?? '');
  if (options.screenshots) await shot(page, `${options.screenshots}-enrol-setup`);
  const passphrase = `тестова фраза за ${handle} 2026`;
  await page.locator('#enrol-setup-form input[name="new-passphrase"]').fill(passphrase);
  await page.locator('#enrol-setup-form input[name="repeat-passphrase"]').fill(passphrase);
  const now = Date.now() / 1000;
  totp.used(handle, now);
  await page.locator('#enrol-setup-form input[name="totp"]').fill(totpCode(secret, now));
  await page.locator('#enrol-setup-form button[type="submit"]').click();
  await page.locator('#to-login').waitFor({ timeout: 20000 });
  if (options.screenshots) await shot(page, `${options.screenshots}-enrol-done`);
  if (options.certify !== false) certify(server, handle);
  return { handle, name, passphrase, secret };
}

/** Fills in the login form; does not wait for the outcome. */
export async function submitLogin(page: Page, account: { handle: string; passphrase: string }, code: string): Promise<void> {
  await page.locator('#login-form input[name="handle"]').fill(account.handle);
  await page.locator('#login-form input[name="passphrase"]').fill(account.passphrase);
  await page.locator('#login-form input[name="totp"]').fill(code);
  await page.locator('#login-form button[type="submit"]').click();
}

/** Logs in and waits until the console is connected. */
export async function logIn(page: Page, haven: HavenUnderTest, account: ConsoleAccount, query = ''): Promise<void> {
  await page.goto(consoleUrl(haven, query));
  await page.locator('#login-form').waitFor();
  await submitLogin(page, account, await totp.next(account.handle, account.secret));
  await page.locator('.connection-online').waitFor({ timeout: 20000 });
}

export async function goAvailable(page: Page): Promise<void> {
  await page.locator('[data-duty="available"]').click();
  await page.locator('[data-duty="available"][aria-pressed="true"]').waitFor();
}

/**
 * Saves a screenshot of the console as `name`.png and runs axe-core (WCAG 2.0–2.2 A and AA) on
 * the same state: a serious or critical violation fails the test.
 */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(kScreenshotDir, { recursive: true });
  const path = join(kScreenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert.deepEqual(
    serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    [],
    `${name}: axe violations`,
  );
  return path;
}
