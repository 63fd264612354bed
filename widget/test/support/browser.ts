// Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (never a
// downloaded browser), headless, a fresh empty profile per launch; a partner site on its own
// origin (a tiny local server, so the bridge is really cross-origin and Chromium's local-network
// rules see loopback talking to loopback, as a public partner talks to a public Haven) embedding
// the loader exactly as a partner would; the neutral exit site answered inside the browser by
// request routing, so nothing leaves the machine; and helpers to reach the frame.

import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { after, before } from 'node:test';
import { readEmbed, startHaven, type HavenUnderTest, type StartOptions } from './haven_under_test';
import { chromiumTrustArgs } from './test_tls';

export const kNeutralUrl = 'http://neutral.test/';
export const kScreenshotDir = resolve(process.env['HAVEN_SCREENSHOT_DIR'] ?? join(process.cwd(), '..', 'test-artifacts', 'screenshots'));

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu',
      ...chromiumTrustArgs()],
  });
}

export interface PartnerOptions {
  readonly lang?: 'bg' | 'en';
  readonly fingerprint?: string;
}

/** The partner page: the one <script> tag of the embed snippet, and nothing else from Haven. */
export function partnerPage(haven: HavenUnderTest, options: PartnerOptions = {}): string {
  const embed = readEmbed(haven.webDir);
  return `<!doctype html><html lang="bg"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner</title></head><body><main><h1>Сдружение „Партньор“</h1><p>Примерна страница на партньор. <a id="partner-link" href="/contacts">Контакти</a></p></main>
<script src="${haven.origin}${embed.loader}" integrity="${embed.integrity}" crossorigin="anonymous"
 data-org-fingerprint="${options.fingerprint ?? haven.fingerprint}" data-lang="${options.lang ?? 'bg'}" data-exit-url="${kNeutralUrl}" async></script>
</body></html>`;
}

/**
 * The partner site: GET /?lang=en&fp=… answers the partner page for the Haven set with `use`.
 * Started before Haven, whose frame-ancestors must name its origin.
 */
export class PartnerSite {
  private haven_: HavenUnderTest | null = null;

  private constructor(
    private readonly server_: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<PartnerSite> {
    let site: PartnerSite | null = null;
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname !== '/' || site?.haven_ == null) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'bg';
      const fingerprint = url.searchParams.get('fp') ?? undefined;
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(partnerPage(site.haven_, fingerprint === undefined ? { lang } : { lang, fingerprint }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    site = new PartnerSite(server, `http://localhost:${(server.address() as AddressInfo).port}`);
    return site;
  }

  use(haven: HavenUnderTest): void {
    this.haven_ = haven;
  }

  url(options: PartnerOptions = {}): string {
    const query = new URLSearchParams();
    if (options.lang) query.set('lang', options.lang);
    if (options.fingerprint) query.set('fp', options.fingerprint);
    return `${this.origin}/?${query.toString()}`;
  }

  async stop(): Promise<void> {
    this.server_.closeAllConnections();
    await new Promise<void>((done) => this.server_.close(() => done()));
  }
}

/** A context whose neutral exit site is answered in the browser. */
export async function newContext(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: 'bg-BG' });
  await context.route(`${kNeutralUrl}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Neutral</title><p>neutral</p>' }));
  return context;
}

/** Opens the partner page, presses the launcher and returns the frame once its first screen is up. */
export async function openWidget(page: Page, partner: PartnerSite, options: PartnerOptions = {}): Promise<Frame> {
  await page.goto(partner.url(options));
  await page.getByRole('button', { name: /Чат за подкрепа|Support chat/ }).click();
  const frameLocator = page.locator('iframe');
  await frameLocator.waitFor();
  const handle = await frameLocator.elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('no widget frame');
  await frame.locator('.screen-heading').waitFor();
  return frame;
}

/** From the notice through the pre-chat questions into the queue. */
export async function startChat(frame: Frame, answers: { age?: string; danger?: string } = {}): Promise<void> {
  await frame.locator('.notice .button.primary').click();
  await frame.locator('.prechat').waitFor();
  if (answers.age) await frame.locator(`input[name="age"][value="${answers.age}"]`).check();
  if (answers.danger) await frame.locator(`input[name="danger"][value="${answers.danger}"]`).check();
  await frame.locator('.prechat-form button[type="submit"]').click();
  await frame.locator('.conversation').waitFor();
}

/**
 * A chat under way in Chromium: the partner page in a new context (`viewport`), the widget
 * through the questions, a counselor who took the chat and said `greeting`, seen in the frame.
 */
export async function chatInProgress(
  browser: Browser,
  partner: PartnerSite,
  haven: HavenUnderTest,
  viewport?: { width: number; height: number },
  greeting = 'Здравей.',
) {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  const frame = await openWidget(page, partner);
  await startChat(frame);
  const counselor = await haven.counselor();
  const chatId = await counselor.takeNextChat();
  await counselor.established(chatId);
  counselor.say(chatId, greeting);
  await frame.locator('.msg.theirs', { hasText: greeting }).waitFor();
  return { context, page, frame, counselor, chatId };
}

/**
 * Waits until the server has put the visitor in the queue: the status shows a position and a
 * wait (the "connecting" line comes first, before the socket is even open).
 */
export async function waitUntilQueued(frame: Frame): Promise<void> {
  await frame.locator('.status-line').nth(1).filter({ hasText: /\S/ }).waitFor();
}

export async function screenshot(target: Page | Frame, name: string): Promise<string> {
  mkdirSync(kScreenshotDir, { recursive: true });
  const path = join(kScreenshotDir, `${name}.png`);
  const page = 'frameElement' in target ? (target as Frame).page() : (target as Page);
  await page.screenshot({ path });
  return path;
}

/** Every storage the origin of `page` could have used, as counts (all must be 0). */
export async function storageCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
    const cacheNames = 'caches' in self ? await caches.keys() : [];
    const workers = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistrations() : [];
    return {
      cookie: document.cookie.length,
      localStorage: localStorage.length,
      sessionStorage: sessionStorage.length,
      indexedDB: databases.length,
      caches: cacheNames.length,
      serviceWorkers: workers.length,
    };
  });
}

/** What a describe block's tests share: a partner site, Haven behind it, Chromium. */
export interface BrowserBench {
  readonly haven: HavenUnderTest;
  readonly partner: PartnerSite;
  readonly browser: Browser;
}

/**
 * Starts a partner site, Haven (with `options`) and Chromium before the enclosing describe's
 * tests and stops them after; the returned object's fields are set once `before` has run.
 */
export function useBrowserBench(options: StartOptions = {}): BrowserBench {
  const bench = {} as { haven: HavenUnderTest; partner: PartnerSite; browser: Browser };
  before(async () => {
    bench.partner = await PartnerSite.start();
    bench.haven = await startHaven(bench.partner.origin, options);
    bench.partner.use(bench.haven);
    bench.browser = await launchChromium();
  });
  after(async () => {
    await bench.browser?.close();
    await bench.haven?.stop();
    await bench.partner?.stop();
  });
  return bench;
}

/**
 * Taps quick exit and returns when it was pressed. A raw tap where the button is: a locator's
 * click would first spend its own time checking the button, which the visitor does not wait for.
 */
export async function tapQuickExit(page: Page, frame: Frame): Promise<number> {
  const box = await frame.locator('#quick-exit').boundingBox();
  if (!box) throw new Error('no quick exit button');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const started = Date.now();
  await page.mouse.down();
  await page.mouse.up();
  return started;
}
