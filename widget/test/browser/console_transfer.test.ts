// A transfer between two counselor browsers, with the visitor in the real widget on a partner
// page (a third browser context), all against the real server: counselor A authorises B inside
// the encrypted stream, B accepts the offer (countdown shown), the widget re-keys to B only, and
// the conversation carries on with B in both directions. And a console reloaded mid-chat releases
// the chat, which is taken again with fresh keys.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { PartnerSite, launchChromium, newContext, openWidget, startChat } from '../support/browser';
import { enrolThroughConsole, goAvailable, logIn, newConsolePage, shot } from '../support/console_page';
import { backendKind, startHaven, type HavenUnderTest } from '../support/haven_under_test';

const kind = backendKind();

describe('console: transfer between two counselors (real server)', { skip: kind !== 'real' && 'needs HAVEN_BINARY' }, () => {
  let haven: HavenUnderTest;
  let partner: PartnerSite;
  let browser: Browser;

  before(async () => {
    partner = await PartnerSite.start();
    haven = await startHaven(partner.origin, { requireTotp: true });
    partner.use(haven);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await haven?.stop();
    await partner?.stop();
  });

  /** A counselor enrolled and on duty in a console, who took a visitor's chat in the widget; the visitor wrote `said`. */
  async function chatWithOneCounselor(handle: string, name: string, said: string) {
    const { page } = await newConsolePage(browser);
    const account = await enrolThroughConsole(page, haven, handle, name);
    await logIn(page, haven, account);
    await goAvailable(page);
    const visitorContext = await newContext(browser);
    const frame = await openWidget(await visitorContext.newPage(), partner);
    await startChat(frame, { age: '13-17' });
    await page.locator('.queue-item').first().waitFor();
    await page.locator('#take-next').click();
    await page.locator('.chat-tab .state-encrypted').waitFor({ timeout: 15000 });
    await frame.locator('#composer').fill(said);
    await frame.locator('#composer').press('Enter');
    await page.locator('.msg.theirs', { hasText: said }).waitFor();
    return { page, frame, visitorContext, account };
  }

  test('A transfers to B; the visitor follows to B only; the chat goes on with B', async () => {
    const a = await newConsolePage(browser);
    const b = await newConsolePage(browser);
    const ana = await enrolThroughConsole(a.page, haven, 'c-ana', 'Ана');
    const ivan = await enrolThroughConsole(b.page, haven, 'c-ivan', 'Иван');
    await logIn(a.page, haven, ana);
    await logIn(b.page, haven, ivan);
    await goAvailable(a.page);
    await goAvailable(b.page);

    const visitorContext = await newContext(browser);
    const frame = await openWidget(await visitorContext.newPage(), partner);
    await startChat(frame, { age: '18-25' });
    await a.page.locator('.queue-item').first().waitFor();
    await a.page.locator('#take-next').click();
    await a.page.locator('.chat-tab .state-encrypted').waitFor({ timeout: 15000 });
    await frame.locator('.screen-heading', { hasText: 'Пишеш с Ана' }).waitFor();

    await a.page.locator('.chat-panel:not([hidden]) .composer-input').fill('Здравей, аз съм Ана.');
    await a.page.keyboard.press('Enter');
    await frame.locator('.msg.theirs .bubble', { hasText: 'аз съм Ана' }).waitFor();
    await frame.locator('#composer').fill('Искам да говоря с някой друг.');
    await frame.locator('#composer').press('Enter');
    await a.page.locator('.msg.theirs', { hasText: 'някой друг' }).waitFor();

    // A chooses B from the on-duty colleagues whose certificates verify.
    await a.page.keyboard.press('Alt+KeyT');
    const choice = a.page.locator('dialog.transfer button[data-handle="c-ivan"]:not([disabled])');
    await choice.waitFor();
    await shot(a.page, 'console-transfer-dialog-bg');
    await a.page.keyboard.press('Escape');
    await a.page.locator('#language').click();
    await a.page.locator('.chat-tab', { hasText: 'Chat 1' }).waitFor();
    await a.page.keyboard.press('Alt+KeyT');
    await choice.waitFor();
    // A handover note for B only (§8.1): sealed in A's browser, read in B's.
    await a.page.locator('dialog.transfer textarea.handover-note').fill('Тя е на 20, живее с партньора си. Иска информация за приюти.');
    await shot(a.page, 'console-transfer-dialog-en');
    await choice.click();

    await b.page.locator('#transfer-offer .countdown').waitFor({ timeout: 15000 });
    assert.match((await b.page.locator('#transfer-offer h2').textContent()) ?? '', /Ана ви прехвърля чат/);
    assert.equal(await b.page.locator('#transfer-offer .handover-text').textContent(), 'Тя е на 20, живее с партньора си. Иска информация за приюти.');
    await shot(b.page, 'console-transfer-offer-bg');
    await b.page.locator('#language').click();
    await b.page.locator('#transfer-offer h2', { hasText: 'Ана is transferring a chat to you' }).waitFor();
    await shot(b.page, 'console-transfer-offer-en');
    await b.page.locator('#language').click();
    await b.page.locator('#transfer-offer button.accept').click();

    await b.page.locator('.chat-tab .state-encrypted').waitFor({ timeout: 15000 });
    await a.page.locator('.chat-tab .state-gone').waitFor();
    await a.page.locator('.msg.system', { hasText: 'The chat was transferred to Иван.' }).waitFor();
    await shot(a.page, 'console-transferred-en');
    await frame.locator('.msg.system', { hasText: 'Иван ще продължи разговора с теб.' }).waitFor();
    await frame.locator('.screen-heading', { hasText: 'Пишеш с Иван' }).waitFor();
    await b.page.locator('.msg.handover', { hasText: 'Иска информация за приюти.' }).waitFor();

    // The widget asks whether Иван may see the conversation so far; she agrees, and it arrives
    // inside the new leg's encrypted stream, marked as her copy.
    const share = frame.locator('.msg.share');
    await share.locator('button.share-yes').waitFor();
    await shot(frame.page(), 'widget-share-question-bg');
    await share.locator('button.share-yes').click();
    await share.filter({ hasText: 'Досегашният разговор е споделен с Иван' }).waitFor();
    assert.equal(await frame.locator('#composer').evaluate((node) => node === document.activeElement), true, 'focus goes to the message box');
    await b.page.locator('.msg.shared.theirs', { hasText: 'Искам да говоря с някой друг.' }).waitFor();
    await b.page.locator('.msg.shared.mine', { hasText: 'Здравей, аз съм Ана.' }).waitFor();
    assert.ok(await b.page.locator('.msg.system', { hasText: 'Посетителят сподели досегашния разговор' }).count() === 1);

    await b.page.locator('.chat-panel:not([hidden]) .composer-input').fill('Здравей, аз съм Иван. Продължаваме.');
    await b.page.keyboard.press('Enter');
    await frame.locator('.msg.theirs .bubble', { hasText: 'аз съм Иван' }).waitFor();
    await frame.locator('#composer').fill('Благодаря, Иван.');
    await frame.locator('#composer').press('Enter');
    await b.page.locator('.msg.theirs', { hasText: 'Благодаря, Иван.' }).waitFor();
    assert.equal(await a.page.locator('.msg.theirs', { hasText: 'Благодаря, Иван.' }).count(), 0, 'A no longer reads the chat');
    await shot(b.page, 'console-after-transfer-bg');

    // A closes the tab (its keys go); B ends the chat and wraps it up.
    await a.page.locator('[data-action="close"]').click();
    await a.page.locator('.empty-state').waitFor();
    await b.page.locator('.chat-panel:not([hidden]) [data-action="end"]').click();
    await b.page.locator('#confirm-end').click();
    await frame.locator('[data-screen="end"]').waitFor();
    await b.page.locator('form.wrap-up input[value="family_relationships"]').check();
    await b.page.locator('form.wrap-up input[value="referred"]').check();
    await b.page.locator('form.wrap-up button[type="submit"]').click();
    await b.page.locator('.empty-state').waitFor();
    await visitorContext.close();
  });

  // §7.2 reason 0x03: the widget says "quick exit" inside the stream before it wipes itself, so
  // the counselor knows the visitor fled (someone may have come near) rather than ended the chat.
  test('a visitor who quick-exits is shown to the counselor as having left suddenly', async () => {
    const { page, frame, visitorContext } = await chatWithOneCounselor('c-vera', 'Вера', 'Чакай, някой идва.');

    await frame.locator('#quick-exit').click();
    // In the log, and again at the top of the wrap-up, where it cannot be scrolled away.
    await page.locator('[role="log"] .msg.system.alert', { hasText: 'Посетителят излезе внезапно с бързия изход' }).waitFor({ timeout: 15000 });
    await page.locator('form.wrap-up .msg.system.alert', { hasText: 'Посетителят излезе внезапно с бързия изход' }).waitFor();
    const inView = await page.locator('[role="log"] .msg.system.alert').evaluate((node) => {
      const log = node.closest('[role="log"]')!.getBoundingClientRect();
      const box = node.getBoundingClientRect();
      return box.top >= log.top - 1 && box.bottom <= log.bottom + 1;
    });
    assert.ok(inView, 'the log scrolled to how the chat ended, after the wrap-up took its room');
    assert.equal(await page.locator('form.wrap-up input[value="left_suddenly"]').isChecked(), true, 'the outcome that records it is chosen');
    await shot(page, 'console-quick-exit-bg');
    await page.locator('form.wrap-up input[value="family_relationships"]').check();
    await page.locator('form.wrap-up button[type="submit"]').click();
    await page.locator('.empty-state').waitFor();
    await visitorContext.close();
  });

  // A reload loses the chat's keys: the console releases the chat, it goes back to the head of
  // the queue, and when the counselor takes it again the visitor is re-keyed and the chat goes on.
  test('a reloaded console releases its chat; taken again, the chat goes on with fresh keys', async () => {
    const { page, frame, visitorContext, account: rada } = await chatWithOneCounselor('c-rada', 'Рада', 'Преди презареждането.');

    await page.reload();
    await logIn(page, haven, rada);
    await page.locator('.msg.system', { hasText: 'ключовете за този чат се изгубиха' }).waitFor({ timeout: 15000 });
    await shot(page, 'console-released-after-reload-bg');
    await page.locator('.queue-item').first().waitFor({ timeout: 15000 });
    await goAvailable(page);
    await page.locator('#take-next').click();
    await page.locator('.chat-tab .state-encrypted').waitFor({ timeout: 15000 });
    await page.locator('.chat-panel:not([hidden]) .composer-input').fill('Тук съм отново.');
    await page.keyboard.press('Enter');
    await frame.locator('.msg.theirs .bubble', { hasText: 'Тук съм отново.' }).waitFor();
    await frame.locator('#composer').fill('След презареждането.');
    await frame.locator('#composer').press('Enter');
    await page.locator('.msg.theirs', { hasText: 'След презареждането.' }).waitFor();
    await visitorContext.close();
  });
});
