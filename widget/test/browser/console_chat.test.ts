// A counselor's shift in the duty console, in Chromium against the real server, with scripted
// visitors running the widget's own client: take a chat from the queue, exchange encrypted
// messages both ways (same verification code on both ends), two chats at once in tabs with
// unread counts, canned replies, keyboard shortcuts, end and wrap-up; then a supervisor sees the
// wrap-ups counted on the statistics page (one-dimension tables: a count of five shown, smaller
// ones and those that would give them away hidden) and in the CSV. An offer with its countdown,
// accepted and declined. Screenshots in both languages.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { enrolThroughConsole, goAvailable, logIn, newConsolePage, shot, type ConsoleAccount } from '../support/console_page';
import { backendKind, startHaven, type HavenUnderTest } from '../support/haven_under_test';
import { VisitorBot } from '../support/visitor_bot';

const kind = backendKind();

async function wrapUp(page: Page, number: number, categories: string[], outcome: string): Promise<void> {
  const form = page.locator('form.wrap-up', { hasText: new RegExp(`(чат|chat) ${number}\\b`) });
  await form.waitFor();
  for (const category of categories) await form.locator(`input[type="checkbox"][value="${category}"]`).check();
  await form.locator(`input[type="radio"][value="${outcome}"]`).check();
  await form.locator('button[type="submit"]').click();
}

describe('console: chats (real server)', { skip: kind !== 'real' && 'needs HAVEN_BINARY' }, () => {
  let haven: HavenUnderTest;
  let browser: Browser;
  let maria: ConsoleAccount;
  let page: Page;

  before(async () => {
    haven = await startHaven('http://localhost:9', { requireTotp: true });
    browser = await launchChromium();
    const opened = await newConsolePage(browser);
    page = opened.page;
    maria = await enrolThroughConsole(page, haven, 'c-maria', 'Мария', { maxChats: 3 });
    await logIn(page, haven, maria);
    await goAvailable(page);
  });

  after(async () => {
    await browser?.close();
    await haven?.stop();
  });

  test('take a chat, talk encrypted both ways, a second chat in another tab, end both with a wrap-up', async () => {
    const first = await VisitorBot.start(haven.origin, haven.fingerprint, { language: 'bg', age_band: '13-17' });
    await page.locator('.queue-item').first().waitFor();
    assert.match((await page.locator('.queue-item').first().textContent()) ?? '', /Под 18.*български.*13–17/);
    await shot(page, 'console-queue-bg');

    await page.locator('#take-next').click();
    await page.locator('.chat-tab', { hasText: 'Чат 1' }).waitFor();
    await page.locator('.chat-tab .state-encrypted').waitFor({ timeout: 15000 });
    await first.waitFor(() => first.verified === 1, 'verified counselor');
    assert.equal(first.counselorName, 'Мария');

    first.say('Здравейте, страх ме е да пиша.');
    await page.locator('.msg.theirs .bubble', { hasText: 'страх ме е да пиша' }).waitFor();
    await page.locator('.chat-panel:not([hidden]) .composer-input').fill('Тук съм. Ти си в безопасност да пишеш тук.');
    await page.keyboard.press('Enter');
    await first.waitFor(() => first.heard.includes('Тук съм. Ти си в безопасност да пишеш тук.'), 'the counselor’s text');

    // The §5.5 code: the same on both ends.
    await page.locator('.chat-panel:not([hidden]) details.code summary').click();
    const code = (await page.locator('.chat-panel:not([hidden]) .code-value').textContent()) ?? '';
    assert.ok(first.code !== null && code.replace(/\D/g, '') === first.code, `console ${code} vs visitor ${first.code}`);

    // A second visitor, taken with the keyboard; its message while chat 1 is open counts as unread.
    const second = await VisitorBot.start(haven.origin, haven.fingerprint, { language: 'en', age_band: '26-40', in_danger: 'yes' });
    await page.locator('.queue-item').first().waitFor();
    await page.locator('.chat-log').first().click();
    await page.keyboard.press('Alt+KeyN');
    await page.locator('.chat-tab', { hasText: 'Чат 2' }).waitFor();
    await second.waitFor(() => second.verified === 1, 'second visitor verified');
    await page.locator('#tab-' + (await tabChatId(page, 1)) + ' .state-encrypted').waitFor();
    await page.keyboard.press('Alt+Digit1');
    second.say('Hello, I need help.');
    await page.locator('.chat-tab .unread', { hasText: '1' }).waitFor();
    await page.locator('.queue-empty').waitFor();
    await shot(page, 'console-two-chats-bg');

    await page.keyboard.press('Alt+Digit2');
    await page.locator('.chat-panel:not([hidden]) .msg.theirs', { hasText: 'I need help' }).waitFor();
    assert.equal(await page.locator('.chat-tab .unread').count(), 0, 'opening the tab reads it');
    assert.match((await page.locator('.chat-panel:not([hidden]) .facts').textContent()) ?? '', /В опасност.*английски.*26–40/);
    // A canned reply in the visitor's language, edited before sending.
    await page.keyboard.press('Alt+KeyR');
    await page.locator('.chat-panel:not([hidden]) .canned-group[lang="en"] .canned-reply', { hasText: 'Are you safe right now?' }).click();
    assert.equal(await page.locator('.chat-panel:not([hidden]) .composer-input').inputValue(), 'Are you safe right now?');
    await page.locator('.chat-panel:not([hidden]) .composer-input').press('Enter');
    await second.waitFor(() => second.heard.includes('Are you safe right now?'), 'canned reply');

    // English UI mid-shift: the chats stay.
    await page.locator('#language').click();
    await page.locator('.chat-tab', { hasText: 'Chat 2' }).waitFor();
    await shot(page, 'console-two-chats-en');
    await page.keyboard.press('Alt+KeyK');
    await page.locator('dialog.help[open]').waitFor();
    await shot(page, 'console-help-en');
    await page.keyboard.press('Escape');
    await page.locator('dialog.help').waitFor({ state: 'detached' });
    await page.locator('#language').click();
    await page.locator('.chat-tab', { hasText: 'Чат 2' }).waitFor();
    await page.keyboard.press('Alt+KeyK');
    await page.locator('dialog.help[open]').waitFor();
    await shot(page, 'console-help-bg');
    await page.keyboard.press('Escape');
    // The narrowest screen the console is made for.
    await page.setViewportSize({ width: 768, height: 900 });
    await shot(page, 'console-two-chats-768-bg');
    // A 1280×800 window at 200% zoom is 640×400 CSS pixels (WCAG 1.4.4, 1.4.10): the open chat's
    // message box is on screen without scrolling the page, and no note spills out of the log.
    await page.setViewportSize({ width: 640, height: 400 });
    await shot(page, 'console-two-chats-200pct-top-bg');
    await page.evaluate(() => document.querySelector('.chat-panel:not([hidden]) [role="log"]')!.scrollIntoView({ block: 'start' }));
    await shot(page, 'console-two-chats-200pct-bg');
    const layout = await page.evaluate(() => {
      const panel = document.querySelector('.chat-panel:not([hidden])')!;
      const box = panel.querySelector('.composer-input')!.getBoundingClientRect();
      const log = panel.querySelector('[role="log"]')!.getBoundingClientRect();
      const outer = panel.getBoundingClientRect();
      const spilling = Array.from(panel.querySelectorAll('[role="log"] .msg')).filter((node) => {
        const r = node.getBoundingClientRect();
        return r.left < log.left - 1 || r.right > log.right + 1 || r.bottom > outer.bottom + 1 || node.scrollWidth > node.clientWidth + 1;
      });
      return { composerBottom: box.bottom, composerTop: box.top, height: window.innerHeight, pageScrolls: document.documentElement.scrollWidth > window.innerWidth, spilling: spilling.map((node) => node.textContent) };
    });
    assert.ok(layout.composerTop >= 0 && layout.composerBottom <= layout.height, `message box in view at 200%: ${JSON.stringify(layout)}`);
    assert.equal(layout.pageScrolls, false, 'no sideways scrolling at 200%');
    assert.deepEqual(layout.spilling, [], 'no message spills out of the log');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Chat 1 ends from the console: the visitor sees the end; the wrap-up is due.
    await page.keyboard.press('Alt+Digit1');
    await page.keyboard.press('Alt+KeyE');
    await page.locator('#confirm-end').click();
    await first.waitFor(() => first.outcome === 'ended', 'the visitor’s end screen');
    await page.locator('.chat-tab .state-ended').first().waitFor();
    await shot(page, 'console-wrap-up-bg');
    await page.locator('#language').click();
    await page.locator('form.wrap-up', { hasText: 'Wrap-up of chat 1' }).waitFor();
    await shot(page, 'console-wrap-up-en');
    await page.locator('#language').click();
    await wrapUp(page, 1, ['physical_violence'], 'safety_plan');
    await page.locator('.chat-tab', { hasText: 'Чат 1' }).waitFor({ state: 'detached' });

    // Chat 2 ends from the visitor's side.
    second.end();
    await page.locator('.chat-tab .state-ended').waitFor();
    await wrapUp(page, 2, ['psychological_violence', 'online_violence'], 'information_given');
    await page.locator('.chat-tab').first().waitFor({ state: 'detached' });
    await page.locator('.empty-state').waitFor();
  });

  test('four more identical wrap-ups: the statistics page shows five, hides the rest, and the CSV agrees', async () => {
    for (let i = 0; i < 4; i++) {
      const visitor = await VisitorBot.start(haven.origin, haven.fingerprint, { language: 'bg', age_band: '13-17' });
      await page.locator('#take-next:not([disabled])').click();
      await page.locator('.chat-tab .state-encrypted').waitFor({ timeout: 15000 });
      visitor.say(`Съобщение ${i}`);
      await page.locator('.msg.theirs', { hasText: `Съобщение ${i}` }).waitFor();
      await page.locator('.chat-panel:not([hidden]) [data-action="end"]').click();
      await page.locator('#confirm-end').click();
      await visitor.waitFor(() => visitor.outcome === 'ended', 'end');
      await wrapUp(page, 3 + i, ['physical_violence'], 'safety_plan');
      await page.locator('.chat-tab').first().waitFor({ state: 'detached' });
    }

    // Six conversations: five bg, 13-17, physical violence, safety plan; one en, 26-40, with two
    // topics. Each table counts one thing; no count under five is shown anywhere.
    const supervisor = await newConsolePage(browser);
    const vera = await enrolThroughConsole(supervisor.page, haven, 's-vera', 'Вера', { role: 'supervisor' });
    await logIn(supervisor.page, haven, vera);
    await supervisor.page.locator('[data-view="stats"]').click();
    // The last column is this week (or month); the weeks before it had no chats.
    const row = async (dimension: string, value: string) => {
      const cells = await supervisor.page.locator(`.stats-table[data-dimension="${dimension}"] tr[data-value="${value}"] td`).allTextContents();
      assert.ok(cells.length > 1 && cells.slice(0, -1).every((cell) => cell === '0'), `${dimension} ${value}: ${cells.join(' ')}`);
      return cells.slice(-1);
    };
    await supervisor.page.locator('.stats-table[data-dimension="category"] tr[data-value="physical_violence"]').waitFor();
    assert.deepEqual(await row('conversations', ''), ['6'], 'the two-topic chat counts once');
    assert.deepEqual(await row('category', 'physical_violence'), ['5'], 'five chats with that topic this week');
    assert.deepEqual(await row('category', 'psychological_violence'), ['скрито']);
    assert.deepEqual(await row('category', 'online_violence'), ['скрито']);
    // 6 conversations minus the 5 aged 13-17 would give the one aged 26-40 away: both hidden.
    assert.deepEqual(await row('age_band', '13-17'), ['скрито']);
    assert.deepEqual(await row('age_band', '26-40'), ['скрито']);
    assert.deepEqual(await row('language', 'en'), ['скрито']);
    const shown = await supervisor.page.locator('.stats-results td').allTextContents();
    assert.ok(shown.every((text) => !/^[1-4]$/.test(text.trim())), `no count under five: ${shown.join(' ')}`);
    assert.equal(await supervisor.page.locator('.stats-results th', { hasText: /За периода|Whole period/ }).count(), 0, 'no total over the range');
    await shot(supervisor.page, 'console-stats-bg');
    await supervisor.page.locator('.stats-table[data-dimension="category"]').evaluate((section) => section.scrollIntoView({ block: 'start' }));
    await shot(supervisor.page, 'console-stats-tables-bg');

    const [download] = await Promise.all([supervisor.page.waitForEvent('download'), supervisor.page.locator('#stats-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.match(csv, /^period,dimension,value,count\r\n\d{4}-W\d{2},conversations,,0\r\n/, 'every week, in order');
    assert.match(csv, /\d{4}-W\d{2},conversations,,6\r\n\d{4}-W\d{2},category,/);
    assert.match(csv, /\d{4}-W\d{2},category,physical_violence,5\r\n/);
    assert.match(csv, /\d{4}-W\d{2},category,psychological_violence,suppressed\r\n/);
    assert.match(csv, /\d{4}-W\d{2},age_band,13-17,suppressed\r\n/);
    assert.doesNotMatch(csv, /,[1-4]\r\n/, 'no count below five appears');

    await supervisor.page.locator('#language').click();
    await supervisor.page.locator('h1', { hasText: 'Statistics' }).waitFor();
    await supervisor.page.locator('.stats-form button[type="submit"]').click();
    await supervisor.page.locator('.stats-table[data-dimension="category"] tr[data-value="physical_violence"]').waitFor();
    assert.deepEqual(await row('category', 'psychological_violence'), ['hidden']);
    await shot(supervisor.page, 'console-stats-en');
    await supervisor.page.locator('.stats-table[data-dimension="category"]').evaluate((section) => section.scrollIntoView({ block: 'start' }));
    await shot(supervisor.page, 'console-stats-tables-en');
    await supervisor.page.locator('select[name="group"]').selectOption('month');
    await supervisor.page.locator('.stats-form button[type="submit"]').click();
    await supervisor.page.locator('.stats-table[data-dimension="category"] thead th', { hasText: /^\d{4}-\d{2}$/ }).first().waitFor();
    assert.deepEqual(await row('conversations', ''), ['6']);
    await supervisor.context.close();
  });
});

describe('console: offers with a countdown (real server)', { skip: kind !== 'real' && 'needs HAVEN_BINARY' }, () => {
  let haven: HavenUnderTest;
  let browser: Browser;

  before(async () => {
    haven = await startHaven('http://localhost:9', { requireTotp: true, offerChats: true, keeper: false, extraConfig: ['helpline.offer_timeout_seconds = 30'] });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await haven?.stop();
  });

  test('an offer shows its countdown; declined it is withdrawn, accepted it becomes a chat', async () => {
    const { page } = await newConsolePage(browser);
    const petar = await enrolThroughConsole(page, haven, 'c-petar', 'Петър');
    await logIn(page, haven, petar);
    await goAvailable(page);
    const visitor = await VisitorBot.start(haven.origin, haven.fingerprint, { language: 'bg', age_band: 'under13' });
    await page.locator('#offer .countdown').waitFor();
    assert.match((await page.locator('#offer .countdown').textContent()) ?? '', /Изтича след \d+ секунд/);
    assert.match((await page.locator('#offer').textContent()) ?? '', /Под 18.*под 13/);
    await shot(page, 'console-offer-bg');
    await page.locator('#language').click();
    await page.locator('#offer .countdown', { hasText: /Expires in \d+ seconds?/ }).waitFor();
    await shot(page, 'console-offer-en');
    await page.locator('#language').click();
    await page.keyboard.press('Alt+KeyX');
    await page.locator('#offer').waitFor({ state: 'detached' });
    // Declined: the chat waits for someone else; the next visitor is offered to this counselor.
    const next = await VisitorBot.start(haven.origin, haven.fingerprint, { language: 'en', age_band: '41-60' });
    await page.locator('#offer', { hasText: '41–60' }).waitFor({ timeout: 15000 });
    await page.locator('#offer button.accept').click();
    await page.locator('.chat-tab .state-encrypted').waitFor({ timeout: 15000 });
    await next.waitFor(() => next.verified === 1, 'verified');
    assert.equal(visitor.verified, 0, 'the declined visitor is still waiting');
    next.leave();
    await page.locator('.chat-tab .state-ended').waitFor();
    visitor.leave();
  });
});

async function tabChatId(page: Page, index: number): Promise<string> {
  const id = (await page.locator('.chat-tab').nth(index).getAttribute('id')) ?? '';
  return id.replace(/^tab-/, '');
}
