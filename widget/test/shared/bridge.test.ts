import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeMessage, parseBridgeMessage, parseOrigin } from '../../src/shared/bridge';

test('a bridge message is exactly {ns, v, type}', () => {
  assert.deepEqual(bridgeMessage('exit'), { ns: 'haven', v: 1, type: 'exit' });
  assert.equal(parseBridgeMessage({ ns: 'haven', v: 1, type: 'exit' }, ['exit']), 'exit');
});

test('anything else is refused: extra fields, other namespaces and versions, types not allowed here', () => {
  const allowed = ['open', 'exit'] as const;
  for (const data of [
    null,
    'exit',
    [],
    { ns: 'haven', v: 1, type: 'exit', text: 'hello' },
    { ns: 'other', v: 1, type: 'exit' },
    { ns: 'haven', v: 2, type: 'exit' },
    { ns: 'haven', v: 1, type: 'ready' },
    { ns: 'haven', v: 1, type: 'unknown' },
    { ns: 'haven', v: 1 },
  ]) {
    assert.equal(parseBridgeMessage(data, allowed), null, JSON.stringify(data));
  }
});

test('origins must be exactly scheme://host[:port]', () => {
  assert.equal(parseOrigin('https://partner.example'), 'https://partner.example');
  assert.equal(parseOrigin('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
  for (const value of ['https://partner.example/', 'https://partner.example/path', 'javascript:alert(1)', 'null', '', null, 'ftp://x']) {
    assert.equal(parseOrigin(value), null, String(value));
  }
});
