// GET /api/helpline as the frame reads it: every field strict, or nothing (the frame then keeps
// its built-in numbers and says nothing about who is on duty).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHelplineInfo } from '../../src/visitor/helpline_info';

const kNumbers = [{ number: '0800 1 86 76', label: { bg: 'Линия', en: 'Line' } }];

test('reads the numbers, the duty state, the opening hours and the statement', () => {
  const info = parseHelplineInfo(
    JSON.stringify({ org: { name: 'X' }, emergency_numbers: kNumbers, on_duty: false, opening_hours: { bg: 'Всеки ден', en: 'Every day' }, confidentiality: null }),
  );
  assert.deepEqual(info, { orgName: 'X', numbers: kNumbers, onDuty: false, openingHours: { bg: 'Всеки ден', en: 'Every day' }, confidentiality: null });
});

test('anything malformed reads as nothing', () => {
  const good = { org: { name: 'X' }, emergency_numbers: kNumbers, on_duty: true, opening_hours: null, confidentiality: null };
  assert.notEqual(parseHelplineInfo(JSON.stringify(good)), null);
  for (const bad of [
    { ...good, emergency_numbers: [] },
    { ...good, emergency_numbers: [{ number: '112' }] },
    { ...good, on_duty: 'yes' },
    { ...good, opening_hours: { bg: 'само български' } },
    { ...good, confidentiality: 'text' },
    { ...good, org: {} },
  ]) {
    assert.equal(parseHelplineInfo(JSON.stringify(bad)), null, JSON.stringify(bad));
  }
  assert.equal(parseHelplineInfo('not json'), null);
});
