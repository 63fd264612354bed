// A whole chat through the real widget in Chromium: queue, counselor, both directions decrypted;
// resume after a dropped connection; fail-closed verification; only Haven's origin is contacted.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { PartnerSite, chatInProgress, launchChromium, newContext, openWidget, startChat } from '../support/browser';
import { backendKind, startHaven, type HavenUnderTest } from '../support/haven_under_test';
import { tlsRun } from '../support/test_tls';

const kind = backendKind();

describe(`chat (${kind ?? 'no backend: set HAVEN_BINARY'})`, { skip: kind === null }, () => {
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

  test('a visitor and a counselor chat through the queue; both directions decrypt', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const frame = await openWidget(page, partner);
    await startChat(frame, { age: '13-17' });
    await frame.locator('.status-line', { hasText: 'Ти си първи на опашката.' }).waitFor();

    // Written while queued: stays in the browser, marked as not sent yet.
    await frame.locator('#composer').fill('Здравейте, писах докато чаках.');
    await frame.locator('#composer').press('Enter');
    await frame.locator('.msg.mine.pending').waitFor();

    const counselor = await haven.counselor();
    const chatId = await counselor.takeNextChat();
    await counselor.established(chatId);
    // Verified handshake: she is told at once who is there and that it is encrypted, before the
    // counselor has written anything.
    await frame.locator('.status-line', { hasText: 'Мария е тук. Чатът е криптиран' }).waitFor();
    await counselor.waitForText(chatId, 'Здравейте, писах докато чаках.');
    await frame.locator('.msg.mine:not(.pending)').waitFor();
    assert.equal(await frame.locator('.badge').isVisible(), false, 'no "verified" badge before a counselor frame decrypts');

    counselor.say(chatId, 'Здравей! Тук съм. Как мога да помогна?');
    await frame.locator('.msg.theirs .bubble', { hasText: 'Как мога да помогна?' }).waitFor();
    await frame.locator('.badge', { hasText: `Проверено от ${haven.orgName}` }).waitFor();
    assert.match((await frame.locator('.screen-heading').textContent()) ?? '', /Пишеш с Мария/);

    await frame.locator('#composer').fill('Благодаря. Страх ме е.');
    await frame.locator('.composer button[type="submit"]').click();
    await counselor.waitForText(chatId, 'Благодаря. Страх ме е.');

    counselor.end(chatId);
    await frame.locator('[data-screen="end"]').waitFor();
    assert.equal(await frame.locator('.msg').count(), 0, 'the conversation is gone from the page');
    counselor.close();
    await context.close();
  });

  test('ending the chat asks first; Esc and "keep chatting" keep it, "yes" ends it', async () => {
    const { context, page, frame, counselor, chatId } = await chatInProgress(browser, partner, haven, { width: 390, height: 844 });
    const ended = () => counselor.controls.some((c) => c['type'] === 'ended' && c['chat_id'] === chatId);

    await frame.locator('.end-chat').click();
    const question = frame.getByRole('alertdialog', { name: 'Да приключим ли чата?' });
    await question.waitFor();
    assert.equal(await frame.evaluate(() => document.activeElement?.id), 'keep-chatting', 'focus on the harmless answer');
    await page.keyboard.press('Escape');
    await frame.locator('.end-chat:focus').waitFor();
    await frame.locator('.end-chat').click();
    await frame.locator('#keep-chatting').click();
    await frame.locator('.end-chat:focus').waitFor();
    // Quick exit stays reachable while the question is up (the question is not modal).
    await frame.locator('.end-chat').click();
    assert.equal(await frame.locator('#quick-exit').isEnabled(), true);
    assert.equal(await frame.evaluate(() => document.querySelector('#quick-exit')?.closest('[inert]') ?? null), null);
    await page.waitForTimeout(300);
    assert.equal(ended(), false, 'asking did not end the chat');
    assert.equal(await frame.locator('[data-screen="conversation"]').count(), 1);

    await frame.locator('#confirm-end').click();
    await frame.locator('[data-screen="end"]').waitFor();
    await counselor.waitFor(ended, 'the server ending the chat');
    counselor.close();
    await context.close();
  });

  test('the newest message stays in view when the check code opens and when the keyboard shows', async () => {
    const { context, page, frame, counselor, chatId } = await chatInProgress(browser, partner, haven, { width: 390, height: 844 });
    for (let i = 1; i <= 12; i++) counselor.say(chatId, `Съобщение ${i}.`);
    await frame.locator('.msg.theirs', { hasText: 'Съобщение 12.' }).waitFor();
    const newestInView = () =>
      frame.evaluate(() => {
        const log = document.querySelector('.log')!.getBoundingClientRect();
        const items = document.querySelectorAll('.log .msg');
        const newest = items[items.length - 1]!.getBoundingClientRect();
        // Its end is in view (on a short screen the message may be taller than the log).
        return newest.bottom <= log.bottom + 1 && newest.bottom > log.top + 8;
      });
    assert.equal(await newestInView(), true, 'at first');
    await frame.locator('.status .link').click();
    await frame.locator('.code-digits').waitFor();
    await page.waitForTimeout(100);
    assert.equal(await newestInView(), true, 'with the check code open');
    // The on-screen keyboard takes the lower part of the screen: the frame gets shorter.
    await frame.locator('#composer').focus();
    await page.setViewportSize({ width: 390, height: 480 });
    await page.waitForTimeout(100);
    const debug = await frame.evaluate(() => {
      const log = document.querySelector('.log')!;
      const main = document.querySelector('.main')!;
      const items = document.querySelectorAll('.log .msg');
      const r = (e: Element) => { const b = e.getBoundingClientRect(); return `${Math.round(b.top)}..${Math.round(b.bottom)}`; };
      return `log ${r(log)} sh ${log.scrollHeight} ch ${log.clientHeight} st ${log.scrollTop}; main ${r(main)} sh ${main.scrollHeight} ch ${main.clientHeight} st ${main.scrollTop}; newest ${r(items[items.length - 1]!)}; inner ${innerHeight}`;
    });
    assert.equal(await newestInView(), true, `with the keyboard up: ${debug}`);
    counselor.close();
    await context.close();
  });

  test('a dropped connection resumes the chat without losing a message', {
    skip: tlsRun() && 'the relay cannot single out the visitor’s connection inside TLS (the plain run covers resume)',
  }, async () => {
    const { context, frame, counselor, chatId } = await chatInProgress(browser, partner, haven, undefined, 'Първо съобщение.');

    haven.dropVisitors();
    await frame.locator('.banner', { hasText: 'Връзката прекъсна' }).waitFor();
    await frame.locator('#composer').fill('Пиша без връзка.');
    await frame.locator('#composer').press('Enter');
    // Written during the outage: pending, no time, until the counselor's side acknowledges it.
    const offline = frame.locator('.msg.mine', { hasText: 'Пиша без връзка.' });
    assert.equal(await offline.getAttribute('class'), 'msg mine pending');
    assert.equal(await offline.locator('.meta').textContent(), 'Изпраща се…');
    counselor.say(chatId, 'Второ съобщение.');
    await counselor.waitForText(chatId, 'Пиша без връзка.');
    await frame.locator('.msg.mine:not(.pending)', { hasText: 'Пиша без връзка.' }).waitFor();
    assert.match((await offline.locator('.meta').textContent()) ?? '', /^\d{2}:\d{2}$/);
    await frame.locator('.msg.theirs', { hasText: 'Второ съобщение.' }).waitFor();
    await frame.locator('.banner').waitFor({ state: 'hidden' });
    assert.equal(await frame.locator('.msg.theirs').count(), 2, 'each message exactly once');
    counselor.end(chatId);
    counselor.close();
    await context.close();
  });

  test('a counselor certificate from another organisation ends in the fail-closed screen', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const frame = await openWidget(page, partner);
    await startChat(frame);
    await frame.locator('#composer').fill('Това не трябва да излезе.');
    await frame.locator('#composer').press('Enter');
    const intruder = await haven.counselor({ foreign: true });
    const chatId = await intruder.takeNextChat();
    await frame.locator('[data-screen="failed"]').waitFor();
    assert.ok(await frame.locator('.number-digits', { hasText: '112' }).isVisible());
    assert.ok(await frame.locator('.number-digits', { hasText: '116 111' }).isVisible());
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(intruder.texts(chatId), [], 'nothing was sent to the unverified counselor');
    intruder.close();
    await context.close();
  });

  test('an embed snippet whose fingerprint is not the organisation’s fails closed', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const frame = await openWidget(page, partner, { fingerprint: '0'.repeat(32) });
    await startChat(frame).catch(() => undefined);
    await frame.locator('[data-screen="failed"]').waitFor();
    await context.close();
  });

  test('a whole session on the demo page talks to Haven’s origin only', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('websocket', (socket) => requests.push(socket.url()));
    const landing = await page.goto(`${haven.origin}/`);
    await page.getByRole('button', { name: 'Чат за подкрепа' }).click();
    const frame = await (await page.locator('iframe').elementHandle())!.contentFrame();
    assert.ok(frame);
    await frame.locator('.screen-heading').waitFor();
    await startChat(frame);
    const counselor = await haven.counselor();
    const chatId = await counselor.takeNextChat();
    await counselor.established(chatId);
    counselor.say(chatId, 'Здравей.');
    await frame.locator('.msg.theirs').waitFor();
    await frame.locator('#composer').fill('Здравей.');
    await frame.locator('#composer').press('Enter');
    await counselor.waitForText(chatId, 'Здравей.');
    counselor.end(chatId);
    await frame.locator('[data-screen="end"]').waitFor();
    const havenHost = new URL(haven.origin).host;
    const foreign = requests.filter((url) => new URL(url).host !== havenHost);
    assert.deepEqual(foreign, [], `requests outside Haven: ${foreign.join(', ')}`);
    if (tlsRun()) {
      // Native TLS: every page, script and socket over TLS, and browsers told to keep it so.
      const plain = requests.filter((url) => !/^(https|wss):/.test(url));
      assert.deepEqual(plain, [], `not over TLS: ${plain.join(', ')}`);
      assert.ok(requests.some((url) => url.startsWith('wss:')), 'the chat went over wss://');
      assert.equal(landing?.headers()['strict-transport-security'], 'max-age=63072000');
    }
    assert.ok(requests.some((url) => url.includes('/assets/chunk.')), 'libsodium came from Haven too');
    counselor.close();
    await context.close();
  });
});
