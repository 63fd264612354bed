// The Haven the browser tests run against: the real server, `haven serve --config FILE` of
// HAVEN_BINARY with a temporary config, its port read from "haven listening on http(s)://…:PORT/".
// Everything reaches it through a CuttableLink (a TCP relay on another port, whose origin is the
// one the browser sees), so a test can drop connections as a network does.
//
// With HAVEN_TEST_TLS=1 Haven terminates TLS itself (native TLS, test_tls.ts): the origin is
// https://, the sockets wss://, cookies Secure as in production; the link then relays TLS it
// cannot read, so it cannot single out the visitors' connections (dropVisitors throws).
//
// Without HAVEN_BINARY the browser tests skip. The web directory is HAVEN_WEB_DIR (default
// widget/dist/web, built by `node build.mjs web`). HAVEN_TEST_SERVER_LOG=FILE appends each
// server's output to FILE when it stops, for reading after a failure.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint } from '../../src/e2e/fingerprint';
import type { CounselorIdentity, Sodium } from '../../src/e2e/index';
import { CounselorClient } from './counselor_client';
import { CuttableLink } from './cuttable_link';
import { enrolAndLogIn, type RealServer } from './real_counselor';
import { makeTestCounselor, makeTestOrg, nodeSodium } from './test_org';
import { makeTrustedCertificate, tlsRun } from './test_tls';
import { VisitorBot } from './visitor_bot';

export interface HavenUnderTest {
  readonly origin: string;
  readonly fingerprint: string;
  readonly orgName: string;
  readonly webDir: string;
  /** A counselor on duty. `foreign`: its certificate comes from another organisation. */
  counselor(options?: { foreign?: boolean }): Promise<CounselorClient>;
  /**
   * Makes the server refuse the next visitor for real: 'offline' takes the keeping counselor
   * off duty (and waits until nobody is on duty), 'busy' fills the queue with scripted
   * visitors up to helpline.max_queue_length; null undoes either.
   */
  setRefusal(refusal: 'busy' | 'offline' | null): Promise<void>;
  /**
   * Cuts the visitors' connections and refuses new ones for a moment, so the widget sees a
   * drop and reconnects. `forget`: refuses them past the visitor resume window, so the server
   * gives the chat up and the resume fails.
   */
  dropVisitors(options?: { forget?: boolean }): void;
  /** The server's files, for `haven` commands (invite, certify) the console tests run. */
  readonly server: RealServer;
  /**
   * Stops the server with SIGTERM (WebSockets close with 1012) and starts it again on the same
   * port, config and data, as an upgrade or `systemctl restart` does mid-shift.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** [auth] require_totp (the visitor tests' server does not ask for a TOTP code at login). */
  readonly requireTotp?: boolean;
  /** More config lines, e.g. "[auth]" sections are merged by the server's loader. */
  readonly extraConfig?: readonly string[];
  /** Keep an on-duty counselor connected so visitors are not told the helpline is offline. */
  readonly keeper?: boolean;
  /** [helpline] offer_chats: offers with a countdown instead of "take next" only. */
  readonly offerChats?: boolean;
  /** [helpline] visitor_ and counselor_resume_window_seconds (default the server's, 120). */
  readonly resumeWindowSeconds?: number;
}

export function backendKind(): 'real' | null {
  return process.env['HAVEN_BINARY'] ? 'real' : null;
}

export function webDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Bundled to dist-test/browser/*.mjs; the widget root is two levels up.
  return resolve(process.env['HAVEN_WEB_DIR'] ?? join(here, '..', '..', 'dist', 'web'));
}

/** Starts Haven with `partnerOrigin` on the frame's frame-ancestors allow-list. */
export async function startHaven(partnerOrigin: string, options: StartOptions = {}): Promise<HavenUnderTest> {
  const binary = process.env['HAVEN_BINARY'];
  if (!binary) throw new Error('set HAVEN_BINARY to run the browser tests');
  return startReal(binary, partnerOrigin, options);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/**
 * The real server, started as the integration tests do. Its organisation is made with
 * `haven org init` and `haven org signing-key` into a temporary [org] dir (the fingerprint is read
 * from org-root.key's public part, §14); [widget] partner_origins names the partner site and
 * Haven itself (the demo page embeds the frame from Haven's own origin). Test counselors are
 * invited, enrolled, certified and logged in for real (real_counselor.ts).
 */
async function startReal(binary: string, partnerOrigin: string, options: StartOptions = {}): Promise<HavenUnderTest> {
  const sodium: Sodium = await nodeSodium();
  const dir = mkdtempSync(join(tmpdir(), 'haven-browser-'));
  const port = await freePort();
  const link = await CuttableLink.start(port);
  const tls = tlsRun() ? makeTrustedCertificate(dir) : null;
  const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${link.port}`;
  const web = webDir();
  const orgDir = join(dir, 'org');
  const orgName = 'Фондация Убежище';
  writeFileSync(join(dir, 'root.pass'), 'browser test root passphrase\n', { mode: 0o600 });
  writeFileSync(join(dir, 'signing.pass'), 'browser test signing passphrase\n', { mode: 0o600 });
  const run = (args: string[]): void => {
    const result = spawnSync(binary, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`haven ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  };
  run(['org', 'init', '--dir', orgDir, '--passphrase-file', join(dir, 'root.pass')]);
  run(['org', 'signing-key', '--dir', orgDir, '--name', orgName, '--root-passphrase-file', join(dir, 'root.pass'), '--passphrase-file', join(dir, 'signing.pass')]);
  const rootPublicKey = new Uint8Array(readFileSync(join(orgDir, 'org-root.key')).subarray(8, 40));
  const orgFingerprint = fingerprint(sodium, rootPublicKey);
  const resumeWindow = options.resumeWindowSeconds;
  writeFileSync(
    join(dir, 'haven.toml'),
    [
      '[server]',
      `port = ${port}`,
      `data_dir = "${join(dir, 'data')}"`,
      'shutdown_deadline_ms = 3000',
      // Every browser and bot of a test comes from 127.0.0.1: one network for the caps.
      'max_connections_per_network = 100000',
      '[http]',
      `static_dir = "${web}"`,
      '[websocket]',
      `allowed_origins = ["${origin}"]`,
      'max_per_network = 100000',
      '[storage]',
      `key_dir = "${join(dir, 'keys')}"`,
      '[org]',
      `dir = "${orgDir}"`,
      ...(tls ? ['[tls]', `certificate_file = "${tls.certificateFile}"`, `private_key_file = "${tls.keyFile}"`] : []),
      '[auth]',
      `require_totp = ${options.requireTotp === true}`,
      `secure_cookie = ${tls !== null}`,
      // Every counselor of every test logs in from 127.0.0.1: one network for the login budget.
      ...(authExtra(options.extraConfig ?? []).some((line) => line.startsWith('login_attempts_per_minute')) ? [] : ['login_attempts_per_minute = 10000']),
      ...authExtra(options.extraConfig ?? []),
      '[widget]',
      `partner_origins = ["${origin}", "${partnerOrigin}"]`,
      // Tests hand chats out with "take next", so nobody is offered one behind their back.
      '[helpline]',
      `offer_chats = ${options.offerChats === true}`,
      // Every visitor, scripted or in Chromium, comes from 127.0.0.1: one network for the limit.
      'visitor_connections_per_minute = 100000',
      'max_waiting_per_network = 100000',
      // Many joins at once are join pressure; the puzzle test asks for puzzles itself.
      ...(helplineExtra(options.extraConfig ?? []).some((line) => line.startsWith('puzzle_solutions')) ? [] : ['puzzle_solutions = 0']),
      ...(resumeWindow === undefined ? [] : [`visitor_resume_window_seconds = ${resumeWindow}`, `counselor_resume_window_seconds = ${resumeWindow}`]),
      ...helplineExtra(options.extraConfig ?? []),
      ...otherExtra(options.extraConfig ?? []),
      process.env['HAVEN_TEST_CONFIG_EXTRA'] ?? '',
      '',
    ].join('\n'),
  );
  let output = '';
  // Starts `haven serve` and waits until it listens; `output` keeps every start's lines.
  const launch = async (): Promise<ChildProcess> => {
    const started = output.length;
    const process = spawn(binary, ['serve', '--config', join(dir, 'haven.toml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    process.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    process.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 20000;
    while (!/listening on https?:\/\/[^:]+:\d+\//.test(output.slice(started))) {
      if (process.exitCode !== null || Date.now() > deadline) {
        process.kill('SIGKILL');
        await link.stop();
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`haven serve did not start:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return process;
  };
  let child = await launch();
  // Someone must be on duty, or visitors are told the helpline is offline: a counselor who
  // stays available but never takes a chat (tests take theirs with "take next").
  const server = { binary, origin, configPath: join(dir, 'haven.toml'), orgDir, signingPassphraseFile: join(dir, 'signing.pass') };
  let keeper: CounselorClient | null = null;
  if (options.keeper !== false) {
    const onDuty = await enrolAndLogIn(server, 'c-on-duty', 'Дежурен');
    keeper = await CounselorClient.connect({ origin, ticket: onDuty.ticket, identity: onDuty.identity, sodium });
    await keeper.setDuty('available');
  }
  const fillers: VisitorBot[] = [];
  let keeperOff = false;
  let counter = 0;
  return {
    origin,
    fingerprint: orgFingerprint,
    orgName,
    webDir: web,
    server,
    async counselor(options = {}) {
      counter += 1;
      const handle = `c-${counter}`;
      const name = counter === 1 ? 'Мария' : `Консултант ${counter}`;
      const real = await enrolAndLogIn(server, handle, name);
      // `foreign`: a real login, but signing as a counselor of another organisation.
      const identity: CounselorIdentity = options.foreign
        ? makeTestCounselor(sodium, makeTestOrg(sodium, 'Друга организация'), handle, name).identity
        : real.identity;
      return CounselorClient.connect({ origin, ticket: real.ticket, identity, sodium });
    },
    async setRefusal(refusal) {
      // Undo the refusal before, if any.
      for (const bot of fillers.splice(0)) bot.leave();
      if (keeperOff) {
        await keeper?.setDuty('available');
        keeperOff = false;
      }
      if (refusal === null) return;
      if (refusal === 'offline') {
        await keeper?.setDuty('off');
        keeperOff = true;
        // Counselors closed by earlier tests stay on duty for their resume window.
        await refusedAs(origin, orgFingerprint, 'offline', 5 + (resumeWindow ?? 120) * 1.5);
        return;
      }
      // Busy: scripted visitors join until the server turns one away; the queue is then full.
      for (let i = 0; i < 1000; i++) {
        const bot = await VisitorBot.open(origin, orgFingerprint);
        if (bot.outcome === null) {
          fillers.push(bot);
          continue;
        }
        if (bot.outcome !== 'busy') throw new Error(`a visitor filling the queue was answered ${bot.outcome}`);
        return;
      }
      throw new Error('the queue did not fill up after 1000 visitors: set helpline.max_queue_length for this test');
    },
    dropVisitors(options = {}) {
      if (tls) throw new Error('under TLS the link cannot tell the visitors\' connections apart');
      const pastResume = ((resumeWindow ?? 120) + 2) * 1000;
      link.cut('GET /ws/visitor', options.forget ? pastResume : 1500);
    },
    async restart() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      child = await launch();
    },
    async stop() {
      const logFile = process.env['HAVEN_TEST_SERVER_LOG'];
      if (logFile) writeFileSync(logFile, output, { flag: 'a' });
      for (const bot of fillers.splice(0)) bot.leave();
      keeper?.close();
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      if (child.exitCode === null) child.kill('SIGKILL');
      await link.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until a visitor trying to join is answered `outcome` (probes that get in leave at once). */
async function refusedAs(origin: string, orgFingerprint: string, outcome: 'offline', timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const probe = await VisitorBot.open(origin, orgFingerprint);
    if (probe.outcome === outcome) return;
    probe.leave();
    if (Date.now() > deadline) throw new Error(`visitors were not answered ${outcome} within ${timeoutSeconds} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// Extra config lines name their section as "section.key = value"; they are placed under it.
function extraFor(lines: readonly string[], section: string): string[] {
  return lines.filter((line) => line.startsWith(`${section}.`)).map((line) => line.slice(section.length + 1));
}
function authExtra(lines: readonly string[]): string[] {
  return extraFor(lines, 'auth');
}
function helplineExtra(lines: readonly string[]): string[] {
  return extraFor(lines, 'helpline');
}
function otherExtra(lines: readonly string[]): string[] {
  return lines.filter((line) => !line.startsWith('auth.') && !line.startsWith('helpline.'));
}

export function readEmbed(dir: string): { loader: string; integrity: string } {
  return JSON.parse(readFileSync(join(dir, 'embed.json'), 'utf8')) as { loader: string; integrity: string };
}
