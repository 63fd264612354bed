// The counselor's keys in the browser (protocol.md §13, §11.5), without any UI:
//
//   enrolment  code ─▶ /api/enrol/start (salt, TOTP secret)
//              passphrase ─Argon2id─▶ login_key, wrap_key;  identity seed = Random(32) in this page
//              /api/enrol/finish (login_key, identity public key, seed wrapped with wrap_key, TOTP)
//   login      /api/login/salt ─▶ Argon2id ─▶ /api/login (login_key, TOTP) ─▶ unwrap the seed
//
// The server never sees the passphrase, the wrap key or the seed. The seed lives only in the
// returned CounselorKeys object (memory): a reload means logging in again. Every intermediate
// secret is wiped as soon as it has been used.

import { equalBytes } from '../e2e/bytes';
import { parseCertificate, type Certificate } from '../e2e/certificate';
import { deriveCredentialKeys, unwrapIdentitySeed, wrapIdentitySeed } from '../e2e/credentials';
import type { Sodium } from '../e2e/index';
import type { Account, ApiError, ApiResult, ConsoleApi, EnrolmentStarted } from './api';

/** The shortest passphrase enrolment accepts, in characters (code points). */
export const kMinPassphraseCharacters = 12;

export type PassphraseProblem = 'too_short' | 'mismatch' | null;

/** Checks a new passphrase and its repetition before any key is derived. */
export function checkNewPassphrase(passphrase: string, repeated: string): PassphraseProblem {
  if ([...passphrase.normalize('NFC')].length < kMinPassphraseCharacters) return 'too_short';
  if (passphrase.normalize('NFC') !== repeated.normalize('NFC')) return 'mismatch';
  return null;
}

/** A TOTP code as people type it: six digits, spaces allowed. */
export function normaliseTotp(code: string): string | null {
  const digits = code.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** What the console holds after login: the account, and the identity key in memory only. */
export interface CounselorKeys {
  readonly account: Account;
  readonly certificate: Certificate;
  /** The 64-byte Ed25519 secret key of the certificate's subject (wiped by `forget`). */
  readonly identitySecretKey: Uint8Array;
}

/** Wipes the identity key (logout, idle timeout, page hidden for good). */
export function forgetKeys(sodium: Sodium, keys: CounselorKeys): void {
  sodium.memzero(keys.identitySecretKey);
}

export type KeysError = ApiError | { readonly code: 'key_mismatch' | 'wrong_passphrase'; readonly status: 0; readonly retryAfterSeconds: 0 };

export type KeysResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: KeysError };

function keysFailure<T>(code: 'key_mismatch' | 'wrong_passphrase'): KeysResult<T> {
  return { ok: false, error: { code, status: 0, retryAfterSeconds: 0 } };
}

/**
 * Finishes an enrolment started with `api.enrolStart`: derives the keys from `passphrase` and the
 * enrolment salt, makes the identity key here, and sends its public half and the wrapped seed.
 * The account then waits for the administrator's `haven counselor certify`.
 */
export async function finishEnrolment(
  sodium: Sodium,
  api: ConsoleApi,
  started: EnrolmentStarted,
  passphrase: string,
  totp: string,
): Promise<ApiResult<true>> {
  const keys = deriveCredentialKeys(sodium, passphrase, started.salt);
  const seed = sodium.randombytes_buf(32);
  const pair = sodium.crypto_sign_seed_keypair(seed);
  const wrapped = wrapIdentitySeed(sodium, keys.wrapKey, started.handle, seed);
  sodium.memzero(seed);
  sodium.memzero(pair.privateKey);
  sodium.memzero(keys.wrapKey);
  try {
    return await api.enrolFinish({
      handle: started.handle,
      code: started.code,
      loginKey: keys.loginKey,
      identityPublicKey: pair.publicKey,
      wrappedIdentity: wrapped,
      totp,
    });
  } finally {
    sodium.memzero(keys.loginKey);
  }
}

/**
 * Logs in and opens the identity key. Fails with the API's errors (wrong_credentials, locked_out,
 * not_active, network, …), `wrong_passphrase` if the wrapped seed does not open (the server
 * answered with someone else's), or `key_mismatch` if the opened key is not the certificate's
 * subject.
 */
export async function logIn(
  sodium: Sodium,
  api: ConsoleApi,
  handle: string,
  passphrase: string,
  totp: string,
): Promise<KeysResult<CounselorKeys>> {
  const salt = await api.loginSalt(handle);
  if (!salt.ok) return salt;
  const keys = deriveCredentialKeys(sodium, passphrase, salt.value);
  let answer: Awaited<ReturnType<ConsoleApi['login']>>;
  try {
    answer = await api.login(handle, keys.loginKey, totp);
  } finally {
    sodium.memzero(keys.loginKey);
  }
  if (!answer.ok) {
    sodium.memzero(keys.wrapKey);
    return answer;
  }
  const account = answer.value;
  const seed = unwrapIdentitySeed(sodium, keys.wrapKey, account.handle, account.wrappedIdentity);
  sodium.memzero(keys.wrapKey);
  if (!seed.ok) return keysFailure('wrong_passphrase');
  const pair = sodium.crypto_sign_seed_keypair(seed.value);
  sodium.memzero(seed.value);
  const certificate = parseCertificate(account.certificate);
  if (!certificate.ok || !equalBytes(certificate.value.subjectKey, pair.publicKey) || certificate.value.handle !== account.handle) {
    sodium.memzero(pair.privateKey);
    return keysFailure('key_mismatch');
  }
  const { wrappedIdentity: _wrapped, certificate: _certificate, ...plain } = account;
  return { ok: true, value: { account: plain, certificate: certificate.value, identitySecretKey: pair.privateKey } };
}
