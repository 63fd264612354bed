// The console's small pure modules: control message readers, catalogs, shortcuts, idle timer,
// wrap-up rules, colleague verification, QR code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsQR from 'jsqr';
import { toHex } from '../../src/e2e/bytes';
import { fingerprint } from '../../src/e2e/fingerprint';
import { encodeCommand, kDefaultTaxonomy, parseServerMessage } from '../../src/console/control';
import { kAgeBandLabels, kCategoryLabels, kConsoleCatalogs, kLaneLabels, kLanguageLabels, kOutcomeLabels, label, t, formatDuration } from '../../src/console/i18n/catalog';
import { IdleTimer } from '../../src/console/idle_timer';
import { kShortcutHelp, shortcutFor } from '../../src/console/shortcuts';
import { ownSigningCertificate, readTrust, verifyColleague } from '../../src/console/trust';
import { qrModules } from '../../src/console/ui/qr';
import { checkWrapUp, kAgeBands, wrapUpCommand } from '../../src/console/wrap_up';
import { kNow, loadSodium, makeCounselor, makeOrg } from '../e2e/fixtures';
import { FakeClock } from '../shared/fakes';

const sodium = await loadSodium();

test('control: every server message reads; anything malformed is dropped', () => {
  const id = 'ab'.repeat(16);
  assert.deepEqual(parseServerMessage(JSON.stringify({ type: 'status', state: 'away', load: 1, capacity: 2 })), { type: 'status', state: 'away', load: 1, capacity: 2 });
  assert.equal(parseServerMessage(JSON.stringify({ type: 'status', state: 'sleeping', load: 1, capacity: 2 })), null);
  assert.equal(parseServerMessage(JSON.stringify({ type: 'offer', chat_id: 'AB'.repeat(16), lane: 'danger', language: 'bg', age_band: '', waited_seconds: 1, expires_in_ms: 3 })), null, 'upper-case hex');
  assert.equal(parseServerMessage(JSON.stringify({ type: 'assigned', chat_id: id, leg: -1, lane: 'general', language: '', age_band: '' })), null);
  assert.deepEqual(parseServerMessage(JSON.stringify({ type: 'peer', chat_id: id, connected: false })), { type: 'peer', chatId: id, connected: false });
  const colleagues = parseServerMessage(JSON.stringify({ type: 'colleagues', list: [{ handle: 'c-1', name: 'Б', available: true, certificate: 'zz' }] }));
  assert.equal(colleagues, null, 'a certificate must be hex');
  assert.equal(parseServerMessage('not json'), null);
  assert.equal(parseServerMessage(JSON.stringify({ type: 'mystery' })), null);
  const ready = parseServerMessage(JSON.stringify({ type: 'ready', handle: 'c', name: 'n', role: 'counselor', max_chats: 2, org: { name: 'o', root_key: '00'.repeat(32), fingerprint: '00'.repeat(16), signing_certificates: [], revocation_lists: [] }, chats: [] }));
  assert.ok(ready?.type === 'ready');
  assert.deepEqual(ready.wrapUp, kDefaultTaxonomy, 'an older server without the field: the default taxonomy');
  assert.deepEqual(ready.cannedReplies, { bg: [], en: [] });
  const snapshot = { type: 'operator_snapshot', at: 1, waiting: { danger: 0, minor: 0, general: 0 }, longest_wait_seconds: 0, median_wait_seconds: 0, estimate: { low_minutes: 9, high_minutes: 3 }, counselors_on_duty: 0, counselors_available: 0, capacity: 0, free_capacity: 0, active_chats: 0, answered_last_hour: 0, abandoned_last_hour: 0, service_level: null, service_level_target_seconds: 120, history: [{ at: 1, waiting: 2, active: 3, answered: 4, abandoned: 5 }] };
  const read = parseServerMessage(JSON.stringify(snapshot));
  assert.ok(read?.type === 'operator_snapshot');
  assert.deepEqual(read.estimate, { lowMinutes: 3, highMinutes: 9 });
  assert.equal(parseServerMessage(JSON.stringify({ ...snapshot, service_level: 1.5 })), null);
  assert.equal(parseServerMessage(JSON.stringify({ ...snapshot, active_chats: undefined })), null);
  assert.equal(encodeCommand({ type: 'answer_offer', chat_id: id, accept: true }), `{"type":"answer_offer","chat_id":"${id}","accept":true}`);
});

test('catalogs: bg and en have the same keys, plural forms and placeholders', () => {
  const { bg, en } = kConsoleCatalogs;
  assert.deepEqual(Object.keys(en).sort(), Object.keys(bg).sort());
  const placeholders = (value: unknown) => [...JSON.stringify(value).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(bg) as (keyof typeof bg)[]) {
    assert.equal(typeof bg[key], typeof en[key], key);
    assert.deepEqual([...new Set(placeholders(en[key]))], [...new Set(placeholders(bg[key]))], key);
    if (typeof bg[key] === 'object') {
      for (const count of [0, 1, 2, 5, 21]) assert.ok(!t('bg', key, { count, code: 'x', name: 'x', number: 1 }).includes('{count}'), key);
    }
  }
  assert.equal(t('bg', 'offer.expires', { count: 1 }), 'Изтича след 1 секунда');
  assert.equal(t('bg', 'offer.expires', { count: 21 }), 'Изтича след 21 секунди');
  assert.equal(t('en', 'offer.expires', { count: 1 }), 'Expires in 1 second');
  assert.equal(t('en', 'queue.count', { count: 3 }), '3 waiting');
});

test('catalogs: every default code has a label in both languages; unknown codes show as they are', () => {
  for (const code of [...kDefaultTaxonomy.categories, 'uncategorised']) assert.ok(kCategoryLabels[code]?.bg && kCategoryLabels[code]?.en, code);
  for (const code of kDefaultTaxonomy.outcomes) assert.ok(kOutcomeLabels[code]?.bg && kOutcomeLabels[code]?.en, code);
  for (const band of [...kAgeBands, '', 'unspecified']) assert.ok(kAgeBandLabels[band]?.bg && kAgeBandLabels[band]?.en, band);
  for (const lane of ['danger', 'minor', 'general']) assert.ok(kLaneLabels[lane]?.bg && kLaneLabels[lane]?.en, lane);
  for (const language of ['bg', 'en', '']) assert.ok(kLanguageLabels[language]?.bg, language);
  assert.equal(label(kCategoryLabels, 'forced_marriage', 'bg'), 'forced_marriage');
  assert.equal(formatDuration(42, 'bg'), '42\u00a0сек');
  assert.equal(formatDuration(3725, 'en'), '1\u00a0h 02\u00a0min');
});

test('shortcuts: Alt with the physical key, any keyboard layout; none with Ctrl, Meta or Shift', () => {
  const key = (code: string, extra: Partial<{ key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({ code, key: 'н', altKey: true, ctrlKey: false, metaKey: false, shiftKey: false, ...extra });
  assert.deepEqual(shortcutFor(key('KeyN'), true), { kind: 'take_next' }, 'Cyrillic layout, in the composer');
  assert.deepEqual(shortcutFor(key('Digit3'), false), { kind: 'tab', index: 2 });
  assert.equal(shortcutFor(key('Digit0'), false), null);
  assert.equal(shortcutFor(key('KeyF'), false), null, 'the browser’s menu');
  assert.equal(shortcutFor(key('KeyD'), false), null, 'the address bar');
  assert.equal(shortcutFor(key('KeyN', { ctrlKey: true }), false), null);
  assert.equal(shortcutFor(key('KeyN', { shiftKey: true }), false), null);
  assert.deepEqual(shortcutFor(key('Slash', { altKey: false, key: '?' }), false), { kind: 'help' });
  assert.equal(shortcutFor(key('Slash', { altKey: false, key: '?' }), true), null, '“?” typed in a message');
  for (const row of kShortcutHelp) assert.ok(t('bg', row.action) && t('en', row.action));
});

test('idle timer: warns a minute before, counts down, activity cancels, silence logs out', () => {
  const clock = new FakeClock(kNow * 1000);
  const events: string[] = [];
  const timer = new IdleTimer(clock, { onWarning: (s) => events.push(`warn ${s}`), onResumed: () => events.push('resumed'), onTimeout: () => events.push('timeout') }, 10_000, 3_000);
  timer.start();
  clock.advance(6_000);
  timer.activity();
  clock.advance(6_999);
  assert.deepEqual(events, [], 'activity moved the mark');
  clock.advance(1);
  assert.deepEqual(events, ['warn 3']);
  clock.advance(1_000);
  timer.activity();
  assert.deepEqual(events, ['warn 3', 'warn 2', 'resumed']);
  clock.advance(20_000);
  assert.deepEqual(events.slice(3), ['warn 3', 'warn 2', 'warn 1', 'timeout']);
  timer.stop();
});

test('wrap-up: needs a topic and an outcome from the taxonomy; categories once each', () => {
  const taxonomy = kDefaultTaxonomy;
  const draft = { categories: ['stalking'], ageBand: '13-17', outcome: 'referred' };  // referred: the referral flag follows
  assert.equal(checkWrapUp(draft, taxonomy), null);
  assert.equal(checkWrapUp({ ...draft, categories: [] }, taxonomy), 'no_category');
  assert.equal(checkWrapUp({ ...draft, outcome: '' }, taxonomy), 'no_outcome');
  assert.equal(checkWrapUp({ ...draft, categories: ['weather'] }, taxonomy), 'unknown_code');
  assert.equal(checkWrapUp({ ...draft, ageBand: '12-14' }, taxonomy), 'unknown_code');
  assert.deepEqual(wrapUpCommand('ab'.repeat(16), { ...draft, categories: ['stalking', 'other', 'stalking'] }), {
    type: 'wrap_up', chat_id: 'ab'.repeat(16), categories: ['stalking', 'other'], age_band: '13-17', outcome: 'referred', referral: true,
  });
});

test('trust: our signing certificate is the one that vouches for us; colleagues are checked by chain and handle', () => {
  const org = makeOrg(sodium);
  const other = makeOrg(sodium, 'other');
  const anna = makeCounselor(sodium, org, 0);
  const boris = makeCounselor(sodium, org, 1);
  const info = (root = org.root.publicKey) => ({ name: 'org', rootKey: toHex(root), fingerprint: fingerprint(sodium, root), signingCertificates: [toHex(other.signingCertificate), toHex(org.signingCertificate)], revocationLists: [] });
  const trust = readTrust(sodium, info())!;
  assert.ok(trust);
  assert.equal(readTrust(sodium, { ...info(), fingerprint: '00'.repeat(16) }), null, 'a fingerprint that is not the root key’s');
  const own = ownSigningCertificate(sodium, trust, anna.certificate, kNow);
  assert.ok(own.ok && toHex(own.value) === toHex(org.signingCertificate));
  const later = ownSigningCertificate(sodium, trust, anna.certificate, kNow + 40 * 86400);
  assert.ok(!later.ok && later.error.code === 'expired');
  const good = verifyColleague(sodium, trust, { handle: 'c-1', certificate: toHex(boris.certificate) }, kNow);
  assert.ok(good.ok && good.value.handle === 'c-1');
  const swapped = verifyColleague(sodium, trust, { handle: 'c-7', certificate: toHex(boris.certificate) }, kNow);
  assert.deepEqual(swapped, { ok: false, problem: 'wrong_handle' });
  const foreign = verifyColleague(sodium, readTrust(sodium, info(other.root.publicKey))!, { handle: 'c-1', certificate: toHex(boris.certificate) }, kNow);
  assert.ok(!foreign.ok);
});

test('QR code: the modules decode back to the otpauth URI (checked with an independent decoder)', () => {
  const uri = 'otpauth://totp/Haven:c-7f3a?secret=JR6S2ZRVTAHMZLT3BWJJWS2ATMN6PO2X&issuer=Haven&algorithm=SHA1&digits=6&period=30';
  const modules = qrModules(uri);
  const scale = 4;
  const border = 4;
  const size = (modules.length + 2 * border) * scale;
  const pixels = new Uint8ClampedArray(size * size * 4).fill(255);
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const offset = (((y + border) * scale + dy) * size + (x + border) * scale + dx) * 4;
          pixels[offset] = pixels[offset + 1] = pixels[offset + 2] = 0;
        }
      }
    }),
  );
  const decoded = jsQR(pixels, size, size);
  assert.equal(decoded?.data, uri);
});
