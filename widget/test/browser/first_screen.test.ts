// What a person in danger meets first, against the real server with its shipped three numbers
// (112, 116 111 and the national domestic-violence line) and configured opening hours:
//   - every screen that offers a phone number shows the same three, with the same labels, from
//     the very first screen on (read before it is drawn), also when the answer comes late;
//   - with nobody on duty the first screen says so, with the opening hours;
//   - the way on is visible without scrolling on 390×844 and 360×640, and touch users are not
//     told to press Shift;
//   - the confidentiality statement is shown before the chat starts and linked from it;
//   - full screen, the panel is modal: Tab never reaches the partner page hidden under it;
//   - the header names the organisation, and the message box has no resize grip.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Frame } from 'playwright-core';
import { PartnerSite, launchChromium, newContext, openWidget, screenshot, startChat } from '../support/browser';
import { backendKind, startHaven, type HavenUnderTest } from '../support/haven_under_test';
import type { CounselorClient } from '../support/counselor_client';

const kind = backendKind();
const kShipped = [
  '112 Спешна помощ – денонощно, безплатно',
  '116 111 Национална телефонна линия за деца – безплатно',
  '0800 1 86 76 Национална линия за пострадали от домашно насилие – безплатно',
];

async function numbersOnScreen(frame: Frame): Promise<string[][]> {
  return frame.evaluate(() =>
    Array.from(document.querySelectorAll('section.numbers'), (block) =>
      Array.from(block.querySelectorAll('.number'), (link) => `${link.querySelector('.number-digits')?.textContent} ${link.querySelector('.number-label')?.textContent}`),
    ),
  );
}

/** Where the bottom of `selector` is, against the frame's viewport (no scrolling done). */
async function inView(frame: Frame, selector: string): Promise<{ bottom: number; height: number; scrolled: number }> {
  return frame.evaluate((css) => {
    const box = document.querySelector(css)!.getBoundingClientRect();
    return { bottom: box.bottom, height: window.innerHeight, scrolled: document.querySelector('.main')!.scrollTop };
  }, selector);
}

/** The server's duty gauge, which /api/helpline reads, is refreshed once a second. */
async function untilOnDuty(haven: HavenUnderTest, onDuty: boolean): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const info = (await (await fetch(`${haven.origin}/api/helpline`)).json()) as { on_duty: boolean };
    if (info.on_duty === onDuty) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/api/helpline did not say on_duty ${onDuty}`);
}

describe(`first screen (${kind ?? 'no backend'})`, { skip: kind === null }, () => {
  let haven: HavenUnderTest;
  let partner: PartnerSite;
  let browser: Browser;
  let away: CounselorClient | null = null;

  before(async () => {
    partner = await PartnerSite.start();
    haven = await startHaven(partner.origin, {
      keeper: false,
      extraConfig: ['helpline.opening_hours = ["bg|Всеки ден от 9:00 до 21:00.", "en|Every day from 9:00 to 21:00."]'],
    });
    partner.use(haven);
    browser = await launchChromium();
  });

  after(async () => {
    away?.close();
    await browser?.close();
    await haven?.stop();
    await partner?.stop();
  });

  test('nobody on duty: the first screen says so, and every screen lists the same three numbers', async () => {
    const context = await newContext(browser, { width: 390, height: 844 });
    const page = await context.newPage();
    const frame = await openWidget(page, partner);
    const duty = frame.locator('[data-duty]');
    // Normally drawn with the first screen; on a slow start it is filled in place (third test).
    await duty.locator('h2').waitFor();
    assert.match((await duty.textContent()) ?? '', /В момента няма дежурен консултант.*Консултантите отговарят: Всеки ден от 9:00 до 21:00\./s);
    assert.deepEqual(await numbersOnScreen(frame), [kShipped]);
    // Where she is: the organisation's name in the header, on a phone too.
    assert.equal(await frame.locator('.brand').textContent(), haven.orgName);
    assert.equal(await frame.locator('.brand').isVisible(), true);
    await screenshot(page, 'bg-390-notice-nobody-on-duty');
    // Through the questions to the answer "offline", which may come before the conversation
    // screen has even been seen (so not startChat, which waits for it).
    await frame.locator('.notice .button.primary').click();
    await frame.locator('.prechat-form button[type="submit"]').click();
    await frame.locator('[data-screen="offline"]').waitFor();
    assert.deepEqual(await numbersOnScreen(frame), [kShipped], 'the offline screen lists the same numbers');
    await context.close();
  });

  test('in the queue with nobody free, and at the end, the same three', async () => {
    away = await haven.counselor();
    await away.setDuty('available');
    await away.setDuty('away');
    await untilOnDuty(haven, true);
    const context = await newContext(browser, { width: 390, height: 844 });
    const page = await context.newPage();
    const frame = await openWidget(page, partner);
    assert.equal(await frame.locator('[data-duty]').isHidden(), true, 'someone is on duty: no "nobody" card');
    await startChat(frame);
    await frame.locator('.status-line', { hasText: 'В момента няма свободен консултант' }).waitFor();
    assert.equal(await frame.locator('#composer').evaluate((box) => getComputedStyle(box).resize), 'none', 'no resize grip');
    assert.deepEqual(await numbersOnScreen(frame), [kShipped], 'the queue lists the same numbers');
    // The statement is one tap away during the chat.
    await frame.locator('details.confidential-link summary').click();
    await frame.locator('details.confidential-link p', { hasText: 'Разговорът е поверителен.' }).waitFor();
    await frame.locator('.end-chat').click();
    await frame.locator('#confirm-end').click();
    await frame.locator('[data-screen="end"]').waitFor();
    assert.deepEqual(await numbersOnScreen(frame), [kShipped], 'the end screen lists the same numbers');
    await away.setDuty('off');
    await untilOnDuty(haven, false);
    await context.close();
  });

  test('an answer that comes late redraws the numbers and the duty card in place', async () => {
    const context = await newContext(browser, { width: 390, height: 844 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route('**/api/helpline', async (route) => {
      await held;
      await route.continue();
    });
    const page = await context.newPage();
    const frame = await openWidget(page, partner);
    // Drawn without it: the built-in numbers (the shipped three), nothing said about duty.
    assert.deepEqual(await numbersOnScreen(frame), [kShipped]);
    assert.equal(await frame.locator('[data-duty]').isHidden(), true);
    await frame.locator('.notice .button.primary').focus();
    release();
    await frame.locator('[data-duty] h2', { hasText: 'В момента няма дежурен консултант' }).waitFor();
    assert.equal(await frame.evaluate(() => document.activeElement?.textContent), 'Продължи', 'focus stayed where it was');
    await context.close();
  });

  test('full screen the panel is modal: Tab cycles through the frame, quick exit first', async () => {
    const context = await newContext(browser, { width: 390, height: 844 });
    const page = await context.newPage();
    const frame = await openWidget(page, partner);
    const linkInert = () => page.evaluate(() => document.querySelector('#partner-link')?.closest('[inert]') !== null);
    assert.equal(await linkInert(), true, 'the page under the panel is inert');
    assert.equal(await page.locator('[role="dialog"][aria-modal="true"]').count(), 1);
    const stops: string[] = [];
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const top = await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || '');
      const inside = await frame.evaluate(() => document.activeElement?.id || document.activeElement?.className || '');
      stops.push(top === 'partner-link' ? 'PARTNER' : inside);
    }
    assert.ok(!stops.includes('PARTNER'), `Tab reached the partner page: ${stops.join(' → ')}`);
    assert.ok(stops.filter((stop) => stop === 'quick-exit').length >= 2, `Tab did not cycle back to quick exit: ${stops.join(' → ')}`);
    await frame.locator('#hide').click();
    assert.equal(await linkInert(), false, 'hidden, the page is back');
    await context.close();
  });

  for (const viewport of [{ width: 390, height: 844 }, { width: 360, height: 640 }]) {
    test(`${viewport.width}×${viewport.height} touch: the way on is in view, and no keyboard advice`, async () => {
      const context = await browser.newContext({ viewport, locale: 'bg-BG', hasTouch: true, isMobile: true });
      const page = await context.newPage();
      const frame = await openWidget(page, partner);
      const exitText = (await frame.locator('.card-exit').textContent()) ?? '';
      assert.ok(!/Shift/.test(exitText), `touch users are told about Shift: ${exitText}`);
      assert.match(exitText, /Докосни „Бърз изход“/);
      for (const [screen, button] of [['notice', '.notice .button.primary'], ['prechat', '.prechat-form button[type="submit"]']] as const) {
        if (screen === 'prechat') {
          await frame.locator('.notice .button.primary').tap();
          await frame.locator('.prechat').waitFor();
          await frame.locator('.confidential', { hasText: 'Разговорът е поверителен.' }).waitFor();
        }
        const where = await inView(frame, button);
        assert.equal(where.scrolled, 0);
        assert.ok(where.bottom <= where.height, `${screen}: the button ends at ${where.bottom} px of ${where.height}`);
        await screenshot(page, `bg-${viewport.width}x${viewport.height}-${screen}-touch`);
      }
      await context.close();
    });
  }
});

