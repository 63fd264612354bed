// The join puzzle in Chromium (protocol.md §11.2): while the queue is under pressure the real
// widget solves the welcome's puzzle before it joins, with "Connecting you…" on screen, and
// quick exit still leaves at once while it works. Prints how long the default puzzle took
// beside a join without one, in the same run (README "Under attack").

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { PartnerSite, kNeutralUrl, newContext, openWidget, screenshot, startChat, tapQuickExit, useBrowserBench, waitUntilQueued } from '../support/browser';
import { backendKind } from '../support/haven_under_test';

const kind = backendKind();
const kExitBudgetMs = 300;

/** The visitor socket's text messages, both ways, as the frame sent and received them. */
function recordControls(page: Page): { sent: Record<string, unknown>[]; received: Record<string, unknown>[] } {
  const seen = { sent: [] as Record<string, unknown>[], received: [] as Record<string, unknown>[] };
  page.on('websocket', (socket) => {
    if (!socket.url().endsWith('/ws/visitor')) return;
    const parse = (payload: string | Buffer): Record<string, unknown> | null => {
      if (typeof payload !== 'string') return null;
      try {
        return JSON.parse(payload) as Record<string, unknown>;
      } catch {
        return null;
      }
    };
    socket.on('framesent', ({ payload }) => {
      const message = parse(payload);
      if (message) seen.sent.push(message);
    });
    socket.on('framereceived', ({ payload }) => {
      const message = parse(payload);
      if (message) seen.received.push(message);
    });
  });
  return seen;
}

/** Presses start and returns the milliseconds until the frame shows a place in the queue. */
async function timeToQueue(page: Page, partner: PartnerSite): Promise<number> {
  const frame = await openWidget(page, partner);
  const started = Date.now();
  await startChat(frame);
  await waitUntilQueued(frame);
  return Date.now() - started;
}

describe(`join puzzle (${kind ?? 'no backend'})`, { skip: kind === null }, () => {
  describe('with the default difficulty, asked from the second waiting visitor on', () => {
    const bench = useBrowserBench({ extraConfig: ['helpline.puzzle_from_waiting = 1', 'helpline.puzzle_solutions = 16', 'helpline.puzzle_bits = 14'] });

    test('the widget solves the puzzle and joins; the time it took, beside a join without one', async (t) => {
      const { browser, partner } = bench;
      const first = await newContext(browser);
      const firstPage = await first.newPage();
      const firstSeen = recordControls(firstPage);
      const plain = await timeToQueue(firstPage, partner);
      assert.equal(firstSeen.received.find((m) => m['type'] === 'welcome')?.['puzzle'], undefined, 'an empty queue asks nothing');
      assert.equal(firstSeen.sent.find((m) => m['type'] === 'join')?.['solution'], undefined);

      const second = await newContext(browser);
      const secondPage = await second.newPage();
      const secondSeen = recordControls(secondPage);
      const solved = await timeToQueue(secondPage, partner);
      const welcome = secondSeen.received.find((m) => m['type'] === 'welcome');
      assert.deepEqual({ ...(welcome?.['puzzle'] as object), challenge: 'hidden' }, { challenge: 'hidden', bits: 14, solutions: 16 });
      const join = secondSeen.sent.find((m) => m['type'] === 'join');
      assert.equal((join?.['solution'] as number[] | undefined)?.length, 16, 'the join carries 16 nonces');
      assert.ok(secondSeen.received.some((m) => m['type'] === 'joined'), 'and the server took them');
      t.diagnostic(`start to queued: ${plain} ms without a puzzle, ${solved} ms with the default one (16 × 2^14 hashes): ` +
        `the puzzle took about ${solved - plain} ms in Chromium here`);
      await screenshot(secondPage, 'bg-desktop-puzzle-queued');
      await first.close();
      await second.close();
    });
  });

  describe('with a puzzle that takes minutes', () => {
    const bench = useBrowserBench({ extraConfig: ['helpline.puzzle_from_waiting = 0', 'helpline.puzzle_solutions = 64', 'helpline.puzzle_bits = 22'] });

    test('quick exit while the widget is solving leaves at once and never joins', async (t) => {
      const { browser, partner } = bench;
      const context = await newContext(browser);
      const page = await context.newPage();
      const seen = recordControls(page);
      const frame = await openWidget(page, partner);
      await startChat(frame);
      await frame.locator('.status-line', { hasText: 'Свързваме те…' }).waitFor();
      while (!seen.received.some((m) => m['type'] === 'welcome')) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300)); // well into the search
      await screenshot(page, 'bg-desktop-puzzle-connecting');
      const started = await tapQuickExit(page, frame);
      await page.waitForURL(kNeutralUrl, { waitUntil: 'commit', timeout: 5000 });
      const elapsed = Date.now() - started;
      t.diagnostic(`the top page was on the neutral site ${elapsed} ms after the tap, mid-puzzle`);
      assert.ok(elapsed <= kExitBudgetMs, `top page reached the neutral site after ${elapsed} ms`);
      assert.ok(!seen.sent.some((m) => m['type'] === 'join'), 'no join was sent');
      await context.close();
    });
  });
});
