// The operator view, in Chromium against the real server: while twenty scripted visitors queue
// (in three lanes) and some leave, the figures a supervisor sees update live, without a reload,
// and equal the real state — what the test itself did, and the snapshot a second supervisor
// connection receives from the server at the same moment.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { CounselorClient } from '../support/counselor_client';
import { enrolThroughConsole, goAvailable, logIn, newConsolePage, shot } from '../support/console_page';
import { backendKind, startHaven, type HavenUnderTest } from '../support/haven_under_test';
import { enrolAndLogIn } from '../support/real_counselor';
import { nodeSodium } from '../support/test_org';
import { VisitorBot } from '../support/visitor_bot';

const kind = backendKind();

interface Shown {
  waiting: string;
  lanes: string;
  onDuty: string;
  capacity: string;
  active: string;
  answered: string;
  abandoned: string;
}

async function shown(page: Page): Promise<Shown> {
  const text = async (selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();
  return {
    waiting: await text('#op-waiting .value'),
    lanes: await text('#op-waiting .detail'),
    onDuty: await text('#op-on-duty'),
    capacity: await text('#op-capacity .detail'),
    active: await text('#op-active .value'),
    answered: await text('#op-answered .value'),
    abandoned: await text('#op-abandoned .value'),
  };
}

function expected(snapshot: Record<string, unknown>): Shown {
  const waiting = snapshot['waiting'] as { danger: number; minor: number; general: number };
  return {
    waiting: String(waiting.danger + waiting.minor + waiting.general),
    lanes: `По приоритет: В опасност ${waiting.danger} · Под 18 ${waiting.minor} · Общ ${waiting.general}`,
    onDuty: `Консултанти на смяна${snapshot['counselors_on_duty']}от тях на линия: ${snapshot['counselors_available']}`,
    capacity: `${snapshot['free_capacity']} от ${snapshot['capacity']} места`,
    active: String(snapshot['active_chats']),
    answered: String(snapshot['answered_last_hour']),
    abandoned: String(snapshot['abandoned_last_hour']),
  };
}

/** Waits until the page shows `want` (the view updates by itself: no reload). */
async function until(page: Page, want: Partial<Shown>, timeoutMs = 15000): Promise<Shown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await shown(page);
    if (Object.entries(want).every(([key, value]) => now[key as keyof Shown] === value)) return now;
    if (Date.now() > deadline) assert.deepEqual(now, { ...now, ...want }, 'the operator view did not reach the expected state');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('console: operator view (real server)', { skip: kind !== 'real' && 'needs HAVEN_BINARY' }, () => {
  let haven: HavenUnderTest;
  let browser: Browser;
  let watcher: CounselorClient;

  before(async () => {
    haven = await startHaven('http://localhost:9', {
      requireTotp: true,
      keeper: false,
      extraConfig: ['helpline.position_update_interval_ms = 1000'],
    });
    browser = await launchChromium();
    const real = await enrolAndLogIn(haven.server!, 's-watch', 'Наблюдател', { role: 'supervisor' });
    watcher = await CounselorClient.connect({ origin: haven.origin, ticket: real.ticket, identity: real.identity, sodium: await nodeSodium() });
    watcher.send({ type: 'watch' });
  });

  after(async () => {
    watcher?.close();
    await browser?.close();
    await haven?.stop();
  });

  /**
   * The server's latest snapshot once the figures compared here have stopped changing (waits
   * keep growing, so snapshots keep coming while anyone waits).
   */
  async function settledSnapshot(): Promise<Record<string, unknown>> {
    let last = '';
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const snapshots = watcher.controls.filter((message) => message['type'] === 'operator_snapshot');
      const latest = snapshots[snapshots.length - 1]!;
      const key = JSON.stringify(expected(latest));
      if (key === last) return latest;
      last = key;
    }
  }

  test('twenty visitors queue and some leave: the figures follow live and equal the server’s state', async () => {
    const { page } = await newConsolePage(browser);
    const vera = await enrolThroughConsole(page, haven, 's-vera', 'Вера', { role: 'supervisor', maxChats: 2 });
    await logIn(page, haven, vera);
    await goAvailable(page);
    await page.locator('[data-view="operator"]').click();
    await page.locator('#op-waiting').waitFor();
    await until(page, { waiting: '0', active: '0' });

    const visitors: VisitorBot[] = [];
    const profiles = [
      ...Array.from({ length: 4 }, () => ({ in_danger: 'yes' as const, age_band: '26-40' as const })),
      ...Array.from({ length: 6 }, (_, i) => ({ in_danger: 'no' as const, age_band: (i % 2 === 0 ? '13-17' : 'under13') as '13-17' | 'under13' })),
      ...Array.from({ length: 10 }, () => ({ in_danger: '' as const, age_band: '41-60' as const })),
    ];
    for (const profile of profiles) visitors.push(await VisitorBot.start(haven.origin, haven.fingerprint, { language: 'bg', ...profile }));
    await until(page, { waiting: '20', lanes: 'По приоритет: В опасност 4 · Под 18 6 · Общ 10' });
    assert.deepEqual(await shown(page), expected(await settledSnapshot()));
    await shot(page, 'console-operator-bg');

    // Seven leave while waiting: two in danger, five general.
    for (const index of [0, 1, 10, 11, 12, 13, 14]) visitors[index]!.leave();
    await until(page, { waiting: '13', abandoned: '7', lanes: 'По приоритет: В опасност 2 · Под 18 6 · Общ 5' });
    assert.deepEqual(await shown(page), expected(await settledSnapshot()));

    // The supervisor takes two chats (the "in danger" lane first): two answered, two active.
    await page.keyboard.press('Alt+KeyN');
    await page.locator('.chat-tab').first().waitFor();
    await page.keyboard.press('Alt+KeyN');
    await page.locator('.chat-tab').nth(1).waitFor();
    await page.locator('[data-view="operator"]').click();
    await until(page, { waiting: '11', active: '2', answered: '2', lanes: 'По приоритет: В опасност 0 · Под 18 6 · Общ 5' });
    assert.deepEqual(await shown(page), expected(await settledSnapshot()));
    assert.ok(visitors[2]!.verified === 1 && visitors[3]!.verified === 1, 'the two in danger were taken first');
    assert.equal(await page.locator('svg.chart').count(), 2);

    await page.locator('#language').click();
    await page.locator('h1', { hasText: 'Operator: queue and load' }).waitFor();
    await shot(page, 'console-operator-en');
    await page.locator('#language').click();
    for (const visitor of visitors) visitor.leave();
  });
});
