import assert from 'node:assert/strict';
import { test } from 'node:test';
import sumoWrappers from 'libsodium-wrappers-sumo';
import { fromHex, toHex } from '../../src/e2e/bytes';
import type { Sodium } from '../../src/e2e/index';
import { checkNewPassphrase, finishEnrolment, forgetKeys, logIn, normaliseTotp } from '../../src/console/account_keys';
import { ConsoleApi } from '../../src/console/api';
import { issueCertificate, kRoleCounselor } from '../../src/e2e/certificate';
import { kNowBig, makeOrg, unwrap } from '../e2e/fixtures';

await sumoWrappers.ready;
const sodium = sumoWrappers as unknown as Sodium;
const org = makeOrg(sodium);

/** A server that keeps what enrolment sent and answers a login the way Haven does. */
function fakeServer() {
  const stored: { loginKey?: string | undefined; publicKey?: string | undefined; wrapped?: string | undefined; salt: string; certificate?: string } = { salt: toHex(sodium.randombytes_buf(16)) };
  const seen: Record<string, unknown>[] = [];
  const api = new ConsoleApi(async (path, init = {}) => {
    const body = JSON.parse(String(init.body ?? '{}')) as Record<string, string>;
    seen.push({ path, ...body });
    const answer = (status: number, value: unknown) => new Response(JSON.stringify(value), { status });
    switch (path) {
      case '/api/enrol/finish':
        stored.loginKey = body['login_key'];
        stored.publicKey = body['identity_public_key'];
        stored.wrapped = body['wrapped_identity'];
        return answer(200, { status: 'enrolled' });
      case '/api/login/salt':
        return answer(200, { salt: stored.salt });
      case '/api/login':
        if (body['login_key'] !== stored.loginKey) return answer(401, { error: 'wrong_credentials' });
        return answer(200, { handle: 'c-1', name: 'Анна', role: 'counselor', languages: [], skills: [], max_chats: 2, wrapped_identity: stored.wrapped, certificate: stored.certificate });
      default:
        return answer(404, {});
    }
  });
  const certify = (publicKey = fromHex(stored.publicKey ?? '')!) => {
    stored.certificate = toHex(
      unwrap(issueCertificate(sodium, org.signing.privateKey, { role: kRoleCounselor, subjectKey: publicKey, serial: new Uint8Array(16).fill(7), notBefore: kNowBig, notAfter: kNowBig + 86400n, handle: 'c-1', name: 'Анна' })),
    );
  };
  return { api, stored, seen, certify };
}

const started = (salt: string) => ({ handle: 'c-1', code: 'CODE', displayName: 'Анна', salt: fromHex(salt)!, totpUri: 'otpauth://totp/x', totpSecret: 'ABC' });

test('enrolment sends the login key, the public key and the wrapped seed — never the passphrase', async () => {
  const server = fakeServer();
  const done = await finishEnrolment(sodium, server.api, started(server.stored.salt), 'дълга тестова фраза', '123456');
  assert.ok(done.ok);
  const sent = JSON.stringify(server.seen);
  assert.ok(!sent.includes('дълга тестова фраза'));
  assert.equal(server.stored.loginKey?.length, 64);
  assert.equal(server.stored.wrapped?.length, 144, '24-byte nonce, 32-byte seed, 16-byte tag');

  server.certify();
  const keys = await logIn(sodium, server.api, 'c-1', 'дълга тестова фраза', '654321');
  assert.ok(keys.ok);
  assert.equal(toHex(keys.value.certificate.subjectKey), server.stored.publicKey);
  assert.equal(keys.value.identitySecretKey.length, 64);
  forgetKeys(sodium, keys.value);
  assert.ok(keys.value.identitySecretKey.every((byte) => byte === 0));

  const wrong = await logIn(sodium, server.api, 'c-1', 'друга фраза съвсем', '654321');
  assert.ok(!wrong.ok && wrong.error.code === 'wrong_credentials');
});

test('a certificate for another key is refused after login', async () => {
  const server = fakeServer();
  await finishEnrolment(sodium, server.api, started(server.stored.salt), 'дълга тестова фраза', '123456');
  server.certify(sodium.crypto_sign_keypair().publicKey);
  const keys = await logIn(sodium, server.api, 'c-1', 'дълга тестова фраза', '654321');
  assert.ok(!keys.ok && keys.error.code === 'key_mismatch');
});

test('new passphrases and TOTP codes are checked before anything is derived', () => {
  assert.equal(checkNewPassphrase('кратка', 'кратка'), 'too_short');
  assert.equal(checkNewPassphrase('дванайсет зн', 'дванайсет зн'), null, '12 characters (more bytes) is enough');
  assert.equal(checkNewPassphrase('достатъчно дълга', 'достатъчно длга'), 'mismatch');
  assert.equal(checkNewPassphrase('e\u0301 is the same phrase', '\u00e9 is the same phrase'), null, 'compared after NFC');
  assert.equal(normaliseTotp('123 456'), '123456');
  assert.equal(normaliseTotp('12345'), null);
  assert.equal(normaliseTotp('abcdef'), null);
});
