import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TripleShiftDetector, type KeyPress } from '../../src/shared/triple_shift';

const shift: KeyPress = { key: 'Shift', repeat: false, ctrlKey: false, altKey: false, metaKey: false };
const letter: KeyPress = { ...shift, key: 'A' };

test('three lone Shift presses within two seconds trigger, once', () => {
  const detector = new TripleShiftDetector();
  assert.equal(detector.press(shift, 0), false);
  assert.equal(detector.press(shift, 500), false);
  assert.equal(detector.press(shift, 1900), true);
  assert.equal(detector.press(shift, 2000), false, 'the count starts again after a trigger');
});

test('presses spread over more than two seconds do not trigger', () => {
  const detector = new TripleShiftDetector();
  detector.press(shift, 0);
  detector.press(shift, 1500);
  assert.equal(detector.press(shift, 2600), false);
  assert.equal(detector.press(shift, 3000), true, 'the last three fell within the window');
});

test('typing capitals (another key between) and auto-repeat do not count', () => {
  const detector = new TripleShiftDetector();
  detector.press(shift, 0);
  detector.press(letter, 10);
  detector.press(shift, 20);
  detector.press({ ...shift, repeat: true }, 30);
  detector.press({ ...shift, repeat: true }, 40);
  assert.equal(detector.press(shift, 50), false);
  assert.equal(detector.press(shift, 60), true);
});

test('Shift with Ctrl, Alt or Meta held is not a lone press', () => {
  const detector = new TripleShiftDetector();
  detector.press(shift, 0);
  detector.press(shift, 10);
  assert.equal(detector.press({ ...shift, ctrlKey: true }, 20), false);
  assert.equal(detector.press(shift, 30), false);
});
