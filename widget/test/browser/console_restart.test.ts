// A restart in the middle of a shift, as the counselor lives it in the duty console: the
// server stops (1012) and comes back; the console reconnects by itself and must show the duty
// state the server really has, and a visitor who arrives while the console is still
// reconnecting must reach her. Before, the console kept showing "Available" while the server
// counted nobody on duty, and that visitor was told the helpline was offline.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { enrolThroughConsole, goAvailable, logIn, newConsolePage, shot } from '../support/console_page';
import { backendKind, startHaven, type HavenUnderTest } from '../support/haven_under_test';
import { VisitorBot } from '../support/visitor_bot';

const kind = backendKind();

describe('console: a server restart mid-shift (real server)', { skip: kind !== 'real' && 'needs HAVEN_BINARY' }, () => {
  let haven: HavenUnderTest;
  let browser: Browser;
  let page: Page;

  before(async () => {
    // Nobody else on duty: whether a visitor is taken depends on this counselor alone.
    haven = await startHaven('http://localhost:9', { keeper: false });
    browser = await launchChromium();
    page = (await newConsolePage(browser)).page;
    const maria = await enrolThroughConsole(page, haven, 'c-maria', 'Мария');
    await logIn(page, haven, maria);
    await goAvailable(page);
  });

  after(async () => {
    await browser?.close();
    await haven?.stop();
  });

  test('available before, available after, and the visitor who came meanwhile is in her queue', async () => {
    await haven.restart();
    // Right after the restart, before the console is back: the visitor is queued, not refused.
    const visitor = await VisitorBot.open(haven.origin, haven.fingerprint);
    assert.equal(visitor.outcome, null, `the visitor was answered ${visitor.outcome}`);
    // The console reconnects by itself (the waiting visitor is listed: it is talking to the new
    // server) and shows what that server says: still available.
    await page.locator('.queue-item').first().waitFor({ timeout: 20000 });
    await page.locator('.connection-online').waitFor();
    await page.locator('[data-duty="available"][aria-pressed="true"]').waitFor();
    await shot(page, 'console-after-restart-bg');
    await page.locator('#take-next').click();
    await page.locator('.chat-tab .state-encrypted').waitFor({ timeout: 15000 });
    visitor.leave();
  });

  test('off duty before, off duty after: the console does not claim otherwise', async () => {
    await page.locator('[data-duty="off"]').click();
    await page.locator('[data-duty="off"][aria-pressed="true"]').waitFor();
    await haven.restart();
    await page.locator('.connection-online').waitFor({ timeout: 20000 });
    await page.locator('[data-duty="off"][aria-pressed="true"]').waitFor();
    const visitor = await VisitorBot.open(haven.origin, haven.fingerprint);
    assert.equal(visitor.outcome, 'offline');
  });
});
