// A counselor account on the real server, made the way a real one is: `haven counselor
// invite` (the one-time code), the enrolment API with a login key derived by Argon2id in
// "the browser" (here: node with libsodium's sumo build) and a TOTP code, `haven counselor
// certify` with the org signing key, then a login and a single-use WebSocket ticket.

import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sumoWrappers from 'libsodium-wrappers-sumo';
import { fromHex, toHex } from '../../src/e2e/bytes';
import { deriveCredentialKeys, wrapIdentitySeed } from '../../src/e2e/credentials';
import type { CounselorIdentity, Sodium } from '../../src/e2e/index';
import { post as postOver } from './test_tls';

export interface RealServer {
  readonly binary: string;
  readonly origin: string;
  readonly configPath: string;
  readonly orgDir: string;
  readonly signingPassphraseFile: string;
}

export interface LoggedInCounselor {
  readonly handle: string;
  readonly ticket: string;
  readonly identity: CounselorIdentity;
}

let sumoReady: Promise<Sodium> | null = null;
function sumo(): Promise<Sodium> {
  sumoReady ??= sumoWrappers.ready.then(() => sumoWrappers as unknown as Sodium);
  return sumoReady;
}

export function haven(server: RealServer, args: string[]): string {
  const result = spawnSync(server.binary, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`haven ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function post(server: RealServer, path: string, body: unknown, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin: server.origin };
  if (cookie) headers['cookie'] = cookie;
  const response = await postOver(server.origin + path, headers, JSON.stringify(body));
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

export function fromBase32(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    buffer = (buffer << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** RFC 6238: HMAC-SHA1, 30-second steps, six digits. */
export function totpCode(secret: Uint8Array, unixSeconds: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const digest = createHmac('sha1', Buffer.from(secret)).update(counter).digest();
  const offset = digest[digest.length - 1]! & 0x0f;
  const binary = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return binary.toString().padStart(6, '0');
}

/**
 * TOTP codes for tests: a code is accepted for the step before, at and after now, and each step
 * only once per account (the server remembers the last one used). `next` gives a code for a
 * step after the last one used here, waiting for the clock when all three are spent.
 */
export class TotpCodes {
  private readonly last_ = new Map<string, number>();

  async next(account: string, secret: Uint8Array): Promise<string> {
    for (;;) {
      const now = Math.floor(Date.now() / 1000 / 30);
      const step = Math.max(now - 1, (this.last_.get(account) ?? 0) + 1);
      if (step <= now + 1) {
        this.last_.set(account, step);
        return totpCode(secret, step * 30);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** Records a step used elsewhere (e.g. the enrolment's code). */
  used(account: string, unixSeconds: number): void {
    this.last_.set(account, Math.max(this.last_.get(account) ?? 0, Math.floor(unixSeconds / 30)));
  }
}

export interface InviteOptions {
  readonly role?: 'counselor' | 'supervisor';
  readonly languages?: string;
  readonly maxChats?: number;
}

/** `haven counselor invite`: returns the one-time enrolment code. */
export function invite(server: RealServer, handle: string, name: string, options: InviteOptions = {}): string {
  const args = ['counselor', 'invite', handle, '--name', name, '--languages', options.languages ?? 'bg,en', '--config', server.configPath];
  if (options.role !== undefined) args.push('--role', options.role);
  if (options.maxChats !== undefined) args.push('--max-chats', String(options.maxChats));
  const invited = haven(server, args);
  const code = /[A-Z2-7]{4}(-[A-Z2-7]{4}){7}/.exec(invited)?.[0];
  if (!code) throw new Error(`no enrolment code in:\n${invited}`);
  return code;
}

/** `haven counselor certify` with the org signing key. */
export function certify(server: RealServer, handle: string): void {
  haven(server, ['counselor', 'certify', handle, '--config', server.configPath, '--passphrase-file', server.signingPassphraseFile]);
}

function hex(value: unknown): Uint8Array {
  const bytes = typeof value === 'string' ? fromHex(value) : null;
  if (!bytes) throw new Error('expected hex');
  return bytes;
}

export async function enrolAndLogIn(server: RealServer, handle: string, name: string, options: InviteOptions = {}): Promise<LoggedInCounselor> {
  const sodium = await sumo();
  const code = invite(server, handle, name, options);
  const started = (await (await post(server, '/api/enrol/start', { handle, code })).json()) as Record<string, string>;
  const passphrase = `browser test passphrase for ${handle}`;
  const keys = deriveCredentialKeys(sodium, passphrase, hex(started['salt']));
  const seed = sodium.randombytes_buf(32);
  const pair = sodium.crypto_sign_seed_keypair(seed);
  await post(server, '/api/enrol/finish', {
    handle,
    code,
    login_key: toHex(keys.loginKey),
    identity_public_key: toHex(pair.publicKey),
    wrapped_identity: toHex(wrapIdentitySeed(sodium, keys.wrapKey, handle, seed)),
    totp: totpCode(fromBase32(started['totp_secret'] ?? ''), Date.now() / 1000),
  });
  certify(server, handle);
  // Where the server asks for a TOTP code at login too, the next step's code (accepted for
  // clock drift; the enrolment used this step's).
  const totp = totpCode(fromBase32(started['totp_secret'] ?? ''), Date.now() / 1000 + 30);
  const login = await post(server, '/api/login', { handle, login_key: toHex(keys.loginKey), totp });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const account = (await login.json()) as Record<string, string>;
  const ticket = ((await (await post(server, '/api/ticket', {}, cookie)).json()) as Record<string, string>)['ticket'] ?? '';
  return {
    handle,
    ticket,
    identity: {
      signingCertificate: new Uint8Array(readFileSync(join(server.orgDir, 'org-signing.cert'))),
      counselorCertificate: hex(account['certificate']),
      identitySecretKey: pair.privateKey,
    },
  };
}
