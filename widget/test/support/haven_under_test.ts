// The Haven the browser tests run against:
//
//   HAVEN_BINARY=/path/to/haven   the real server: `haven serve --config FILE` with a temporary
//                                 config, its port read from "haven listening on http://…:PORT/"
//   HAVEN_BROWSER_BACKEND=fake    the in-process FakeHaven (test/support/fake_haven.ts), for
//                                 working on the widget before the server side exists
//
// With neither, the browser tests skip. The web directory is HAVEN_WEB_DIR (default
// widget/dist/web, built by `node build.mjs web`).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint } from '../../src/e2e/fingerprint';
import type { CounselorIdentity, Sodium } from '../../src/e2e/index';
import { CounselorClient } from './counselor_client';
import { FakeHaven } from './fake_haven';
import { enrolAndLogIn, type RealServer } from './real_counselor';
import { makeTestCounselor, makeTestOrg, nodeSodium, type TestOrg } from './test_org';


export interface HavenUnderTest {
  readonly kind: 'fake' | 'real';
  readonly origin: string;
  readonly fingerprint: string;
  readonly orgName: string;
  readonly webDir: string;
  /** A counselor on duty. `foreign`: its certificate comes from another organisation. */
  counselor(options?: { foreign?: boolean }): Promise<CounselorClient>;
  /** Fake only: what `join` is answered with. */
  setRefusal?(refusal: 'busy' | 'offline' | null): void;
  /** Fake only: cut the visitors' connections; `forget` also drops the chats (resume fails). */
  dropVisitors?(options?: { forget?: boolean }): void;
  /** Real only: the server's files, for `haven` commands (invite, certify) the console tests run. */
  readonly server?: RealServer;
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
}

export function backendKind(): 'fake' | 'real' | null {
  if (process.env['HAVEN_BINARY']) return 'real';
  if (process.env['HAVEN_BROWSER_BACKEND'] === 'fake') return 'fake';
  return null;
}

export function webDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Bundled to dist-test/browser/*.mjs; the widget root is two levels up.
  return resolve(process.env['HAVEN_WEB_DIR'] ?? join(here, '..', '..', 'dist', 'web'));
}

/** Starts Haven with `partnerOrigin` on the frame's frame-ancestors allow-list. */
export async function startHaven(partnerOrigin: string, options: StartOptions = {}): Promise<HavenUnderTest> {
  const kind = backendKind();
  if (kind === 'real') return startReal(process.env['HAVEN_BINARY']!, partnerOrigin, options);
  if (kind === 'fake') return startFake(partnerOrigin);
  throw new Error('set HAVEN_BINARY (or HAVEN_BROWSER_BACKEND=fake) to run the browser tests');
}

async function startFake(partnerOrigin: string): Promise<HavenUnderTest> {
  const sodium = await nodeSodium();
  const org = makeTestOrg(sodium, 'Фондация Убежище');
  const foreignOrg = makeTestOrg(sodium, 'Друга организация');
  const dir = webDir();
  const fake = await FakeHaven.start({ webDir: dir, org, partnerOrigins: ["'self'", partnerOrigin] });
  let counter = 0;
  return {
    kind: 'fake',
    origin: fake.origin,
    fingerprint: org.fingerprint,
    orgName: org.name,
    webDir: dir,
    async counselor(options = {}) {
      counter += 1;
      const of: TestOrg = options.foreign ? foreignOrg : org;
      const who = makeTestCounselor(sodium, of, `c-${counter}`, counter === 1 ? 'Мария' : `Консултант ${counter}`);
      return CounselorClient.connect({ origin: fake.origin, ticket: fake.issueTicket(who.handle, who.name), identity: who.identity, sodium });
    },
    setRefusal(refusal) {
      fake.refusal = refusal;
    },
    dropVisitors(options = {}) {
      fake.dropVisitors(1012);
      if (options.forget) fake.forgetChats();
    },
    stop: () => fake.stop(),
  };
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
  const origin = `http://127.0.0.1:${port}`;
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
  writeFileSync(
    join(dir, 'haven.toml'),
    [
      '[server]',
      `port = ${port}`,
      `data_dir = "${join(dir, 'data')}"`,
      'shutdown_deadline_ms = 3000',
      '[http]',
      `static_dir = "${web}"`,
      '[websocket]',
      `allowed_origins = ["${origin}"]`,
      '[storage]',
      `key_dir = "${join(dir, 'keys')}"`,
      '[org]',
      `dir = "${orgDir}"`,
      '[auth]',
      `require_totp = ${options.requireTotp === true}`,
      'secure_cookie = false',
      ...authExtra(options.extraConfig ?? []),
      '[widget]',
      `partner_origins = ["${origin}", "${partnerOrigin}"]`,
      // Tests hand chats out with "take next", so nobody is offered one behind their back.
      '[helpline]',
      `offer_chats = ${options.offerChats === true}`,
      ...helplineExtra(options.extraConfig ?? []),
      ...otherExtra(options.extraConfig ?? []),
      process.env['HAVEN_TEST_CONFIG_EXTRA'] ?? '',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, ['serve', '--config', join(dir, 'haven.toml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20000;
  while (!/listening on http:\/\/[^:]+:\d+\//.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`haven serve did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  // Someone must be on duty, or visitors are told the helpline is offline: a counselor who
  // stays available but never takes a chat (tests take theirs with "take next").
  const server = { binary, origin, configPath: join(dir, 'haven.toml'), orgDir, signingPassphraseFile: join(dir, 'signing.pass') };
  let keeper: CounselorClient | null = null;
  if (options.keeper !== false) {
    const onDuty = await enrolAndLogIn(server, 'c-on-duty', 'Дежурен');
    keeper = await CounselorClient.connect({ origin, ticket: onDuty.ticket, identity: onDuty.identity, sodium });
    keeper.send({ type: 'duty', state: 'available' });
  }
  let counter = 0;
  return {
    kind: 'real',
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
    async stop() {
      keeper?.close();
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
