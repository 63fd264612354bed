// Every screen, in both languages, at 320 px, on a 390×844 phone and on a desktop: axe-core finds no serious or
// critical violation, and a screenshot goes to test-artifacts/screenshots/ to be looked at.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { PartnerSite, chatInProgress, launchChromium, newContext, openWidget, screenshot, startChat, waitUntilQueued } from '../support/browser';
import { backendKind, startHaven, type HavenUnderTest } from '../support/haven_under_test';

const kind = backendKind();
// 320 px: the narrowest reflow WCAG asks for; 390×844: a common phone, whose screenshots are
// committed under docs/screens/ (see README, "What a visitor sees").
const kViewports = { mobile: { width: 320, height: 640 }, phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

async function checkScreen(page: Page, frame: Frame, name: string, timeoutMs = 30000): Promise<void> {
  try {
    await frame.locator(`[data-screen="${name}"], .screen.${name}`).first().waitFor({ timeout: timeoutMs });
  } catch (error) {
    const shown = await frame.locator('[data-screen]').first().getAttribute('data-screen').catch(() => null);
    await screenshot(page, `FAILED-waiting-for-${name}`).catch(() => undefined);
    throw new Error(`the ${name} screen did not come; the frame shows ${shown ?? 'nothing'} (screenshot FAILED-waiting-for-${name})`, { cause: error });
  }
  await page.waitForTimeout(100);
  const overflow = await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name}: the frame scrolls sideways by ${overflow} px`);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert.deepEqual(
    serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    [],
    `${name}: axe violations`,
  );
}

describe(`screens (${kind ?? 'no backend'})`, { skip: kind === null }, () => {
  let haven: HavenUnderTest;
  let partner: PartnerSite;
  let browser: Browser;

  before(async () => {
    partner = await PartnerSite.start();
    // A short resume window, so that a cut visitor's chat is given up quickly (the lost
    // screen); a short queue, so that a few scripted visitors fill it (the busy screen).
    haven = await startHaven(partner.origin, { resumeWindowSeconds: 5, extraConfig: ['helpline.max_queue_length = 3'] });
    partner.use(haven);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await haven?.stop();
    await partner?.stop();
  });

  for (const language of ['bg', 'en'] as const) {
    for (const [size, viewport] of Object.entries(kViewports)) {
      const tag = (screen: string) => `${language}-${size}-${screen}`;
      const open = async (): Promise<{ context: BrowserContext; page: Page; frame: Frame }> => {
        const context = await newContext(browser, viewport);
        const page = await context.newPage();
        const frame = await openWidget(page, partner, { lang: language });
        return { context, page, frame };
      };

      test(`${language} ${size}: notice, pre-chat, queue, chat, end`, async () => {
        const { context, page, frame } = await open();
        await checkScreen(page, frame, 'notice');
        await screenshot(page, tag('1-notice'));
        await frame.locator('.notice .button.primary').click();
        await checkScreen(page, frame, 'prechat');
        await frame.locator('input[name="danger"][value="yes"]').check();
        await screenshot(page, tag('2-prechat'));
        await frame.locator('.prechat-form button[type="submit"]').click();
        await frame.locator('.status-line').first().waitFor();
        await frame.locator('#composer').fill(language === 'bg' ? 'Здравейте, имам нужда да поговоря с някого.' : 'Hello, I need to talk to someone.');
        await frame.locator('#composer').press('Enter');
        await frame.locator('.msg.mine.pending').waitFor();
        await checkScreen(page, frame, 'conversation');
        await screenshot(page, tag('3-queue'));

        const counselor = await haven.counselor();
        const chatId = await counselor.takeNextChat();
        await counselor.established(chatId);
        counselor.say(chatId, language === 'bg' ? 'Здравей, аз съм Мария. Тук съм и те слушам.' : 'Hi, I am Maria. I am here and listening.');
        await frame.locator('.badge').waitFor();
        await frame.locator('#composer').fill(language === 'bg' ? 'Благодаря.' : 'Thank you.');
        await frame.locator('#composer').press('Enter');
        await frame.locator('.status .link').click();
        await frame.locator('.code-digits').waitFor();
        await checkScreen(page, frame, 'conversation');
        await screenshot(page, tag('4-chat'));
        // Times on the 24-hour clock in both languages (a Bulgarian service).
        for (const time of await frame.locator('.msg.theirs .meta').allTextContents()) assert.match(time, /^\d{2}:\d{2}$/);

        // Ending asks first (a mis-tap under the message box must not lose the counselor).
        await frame.locator('.end-chat').click();
        await frame.locator('[role="alertdialog"] #keep-chatting:focus').waitFor();
        await checkScreen(page, frame, 'conversation');
        await screenshot(page, tag('4b-end-confirm'));
        await frame.locator('#confirm-end').click();
        await checkScreen(page, frame, 'end');
        await screenshot(page, tag('5-end'));
        counselor.close();
        await context.close();
      });

      test(`${language} ${size}: offline and busy`, async () => {
        for (const refusal of ['offline', 'busy'] as const) {
          await haven.setRefusal(refusal);
          const { context, page, frame } = await open();
          await startChat(frame).catch(() => undefined);
          await checkScreen(page, frame, refusal);
          await screenshot(page, tag(`6-${refusal}`));
          await context.close();
        }
        await haven.setRefusal(null);
      });

      test(`${language} ${size}: connection lost`, async () => {
        const { context, page, frame } = await open();
        await startChat(frame);
        await waitUntilQueued(frame);
        haven.dropVisitors({ forget: true });
        // The widget comes back on its back-off schedule (up to 15 s for the fifth try).
        await checkScreen(page, frame, 'lost', 60000);
        await screenshot(page, tag('7-lost'));
        await context.close();
      });

      test(`${language} ${size}: verification failed`, async () => {
        const { context, page, frame } = await open();
        await startChat(frame);
        const intruder = await haven.counselor({ foreign: true });
        await intruder.takeNextChat();
        await checkScreen(page, frame, 'failed');
        await screenshot(page, tag('8-failed'));
        intruder.close();
        await context.close();
      });
    }
  }

  test('a message its lost counselor never acknowledged is marked, and sent again to the next', async () => {
    const { context, page, frame, counselor: first, chatId } = await chatInProgress(browser, partner, haven, kViewports.phone);
    first.close();  // her connection drops and does not come back within the resume window (5 s)
    await frame.locator('#composer').fill('Чуваш ли ме?');
    await frame.locator('#composer').press('Enter');
    const lost = frame.locator('.msg.mine.failed', { hasText: 'Чуваш ли ме?' });
    await lost.waitFor({ timeout: 30000 });
    assert.match((await lost.locator('.meta').textContent()) ?? '', /Не е доставено/);
    await checkScreen(page, frame, 'conversation');
    await screenshot(page, 'bg-phone-4c-not-delivered');
    const second = await haven.counselor();
    const again = await second.takeNextChat();
    assert.equal(again, chatId);
    await second.established(chatId);
    // The new counselor saw nothing of the chat: she is asked whether to share it (§8.2).
    await frame.locator('.msg.share button.share-yes').waitFor();
    await checkScreen(page, frame, 'conversation');
    await screenshot(page, 'bg-phone-4d-share');
    await frame.locator('.msg.share button.share-no').click();
    await frame.locator('.msg.share', { hasText: 'Не е споделен.' }).waitFor();
    await lost.locator('.retry').click();
    await second.waitForText(chatId, 'Чуваш ли ме?');
    await frame.locator('.msg.mine:not(.pending):not(.failed)', { hasText: 'Чуваш ли ме?' }).waitFor();
    assert.equal(await frame.locator('.msg.mine', { hasText: 'Чуваш ли ме?' }).count(), 1, 'sent again, shown once');
    second.close();
    await context.close();
  });

  test('the language can be switched at any time, and every screen follows', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const frame = await openWidget(page, partner);
    assert.equal(await frame.locator('.screen-heading').textContent(), 'Преди да започнеш');
    await frame.locator('#language').click();
    assert.equal(await frame.locator('.screen-heading').textContent(), 'Before you start');
    assert.equal(await frame.evaluate(() => document.documentElement.lang), 'en');
    await frame.locator('.notice .button.primary').click();
    await frame.locator('#language').click();
    assert.equal(await frame.locator('.screen-heading').textContent(), 'Няколко въпроса');
    await context.close();
  });
});
