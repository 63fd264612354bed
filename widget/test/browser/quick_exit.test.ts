// Quick exit by button, by Shift×3 inside the frame and by Shift×3 on the partner page: the top
// page is on the neutral URL within 300 ms, with no new history entry, and nothing is left in any
// cookie jar, storage API or cache of either origin. With an exit site that answers slowly (as on
// mobile data), the partner's page is covered, retitled and without its icon within 50 ms, long
// before the exit site arrives.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import { PartnerSite, chatInProgress, kNeutralUrl, launchChromium, newContext, openWidget, startChat, storageCounts, tapQuickExit } from '../support/browser';
import { backendKind, startHaven, type HavenUnderTest } from '../support/haven_under_test';

const kind = backendKind();
const kExitBudgetMs = 300;
const kCoverBudgetMs = 50;
const kSlowExitSiteMs = 3000;

/** Presses the exit and returns when it was pressed (without waiting for the navigation it starts). */
type Trigger = (page: Page, frame: Frame) => Promise<number>;

const triggers: Record<string, Trigger> = {
  'the button': tapQuickExit,
  'Shift×3 inside the frame': async (page, frame) => {
    await frame.locator('#composer').click();
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    const started = Date.now();
    await page.keyboard.press('Shift');
    return started;
  },
  'Shift×3 on the partner page': async (page) => {
    await page.locator('h1').click();
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    const started = Date.now();
    await page.keyboard.press('Shift');
    return started;
  },
};

describe(`quick exit (${kind ?? 'no backend'})`, { skip: kind === null }, () => {
  let haven: HavenUnderTest;
  let partner: PartnerSite;
  let browser: Browser;

  before(async () => {
    partner = await PartnerSite.start();
    haven = await startHaven(partner.origin);
    partner.use(haven);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await haven?.stop();
    await partner?.stop();
  });

  for (const [name, trigger] of Object.entries(triggers)) {
    test(`by ${name}`, async (t) => {
      const { context, page, frame, counselor, chatId } = await chatInProgress(browser, partner, haven);
      await frame.locator('#composer').fill('чернова, която не трябва да остане');
      const historyBefore = await page.evaluate(() => history.length);

      const started = await trigger(page, frame);
      await page.waitForURL(kNeutralUrl, { waitUntil: 'commit', timeout: 5000 });
      const elapsed = Date.now() - started;
      t.diagnostic(`the top page was on the neutral site ${elapsed} ms after the trigger`);
      assert.ok(elapsed <= kExitBudgetMs, `top page reached the neutral site after ${elapsed} ms`);
      assert.equal(await page.evaluate(() => history.length), historyBefore, 'no history entry added');

      await counselor.waitFor(() => counselor.controls.some((c) => c['type'] === 'ended' && c['chat_id'] === chatId), 'the server ending the chat');
      assert.deepEqual(await context.cookies(), []);
      for (const origin of [haven.origin, partner.origin]) {
        const probe = await context.newPage();
        await probe.goto(`${origin}/no-such-page`);
        assert.deepEqual(await storageCounts(probe), { cookie: 0, localStorage: 0, sessionStorage: 0, indexedDB: 0, caches: 0, serviceWorkers: 0 }, origin);
        await probe.close();
      }
      counselor.close();
      await context.close();
    });
  }

  for (const [name, trigger] of Object.entries(triggers)) {
    test(`by ${name} with a slow exit site: the partner page is covered at once`, async (t) => {
      const context = await newContext(browser);
      await context.unroute(`${kNeutralUrl}**`);
      await context.route(`${kNeutralUrl}**`, async (route) => {
        await new Promise((r) => setTimeout(r, kSlowExitSiteMs));
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Neutral</title><p>neutral</p>' });
      });
      const page = await context.newPage();
      const frame = await openWidget(page, partner);
      await startChat(frame);
      // The partner page carries its own icon and a title that says what it is about. The probe
      // looks at the first frame painted after the trigger that shows the cover.
      await page.evaluate(() => {
        document.title = 'Домашно насилие – помощ';
        const icon = document.createElement('link');
        icon.rel = 'icon';
        icon.href = '/favicon.ico';
        document.head.append(icon);
        (window as unknown as { exitProbe: Promise<unknown> }).exitProbe = new Promise((resolve) => {
          const check = (): void => {
            if (document.documentElement.style.getPropertyValue('visibility') !== 'hidden') {
              requestAnimationFrame(check);
              return;
            }
            const host = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
            const top = host?.shadowRoot?.elementFromPoint(innerWidth / 2, innerHeight / 2) ?? host;
            resolve({
              at: Date.now(),
              url: location.href,
              title: document.title,
              icons: Array.from(document.querySelectorAll('link[rel~="icon"]'), (link) => link.getAttribute('href')),
              top: top?.className ?? '',
              background: top ? getComputedStyle(top).backgroundColor : '',
              heading: getComputedStyle(document.querySelector('h1')!).visibility,
            });
          };
          requestAnimationFrame(check);
        });
      });
      const probe = page.evaluate(() => (window as unknown as { exitProbe: Promise<Record<string, unknown>> }).exitProbe);
      const started = await trigger(page, frame);
      const { at, url, ...seen } = await probe;
      const covered = (at as number) - started;
      t.diagnostic(`covered ${covered} ms after the trigger`);
      assert.ok(covered <= kCoverBudgetMs, `the page was covered ${covered} ms after the trigger`);
      assert.equal(url, partner.url(), 'the exit site had not answered yet');
      assert.deepEqual(seen, { title: 'neutral.test', icons: ['data:,'], top: 'cover', background: 'rgb(255, 255, 255)', heading: 'hidden' });
      await page.waitForURL(kNeutralUrl, { waitUntil: 'commit', timeout: kSlowExitSiteMs + 5000 });
      t.diagnostic(`on the neutral site ${Date.now() - started} ms after the trigger (the site answers after ${kSlowExitSiteMs} ms)`);
      await context.close();
    });
  }

  test('quick exit comes first in every screen and is reached from the opened chat by keyboard', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const frame = await openWidget(page, partner);
    const firstFocusable = () => frame.evaluate(() => document.querySelector('button, a[href], input, textarea, select')?.id ?? '');
    const active = () => frame.evaluate(() => document.activeElement?.id || document.activeElement?.className || '');
    await frame.locator('.screen-heading:focus').waitFor();
    assert.equal(await firstFocusable(), 'quick-exit');
    const seen: string[] = [];
    for (let i = 0; i < 3 && !seen.includes('quick-exit'); i++) {
      await page.keyboard.press('Shift+Tab');
      seen.push(await active());
    }
    assert.ok(seen.includes('quick-exit'), `Shift+Tab from the heading went through ${seen.join(', ')}`);
    await startChat(frame);
    assert.equal(await firstFocusable(), 'quick-exit');
    await context.close();
  });
});
