import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvelope, type Envelope } from '../../src/e2e/envelope';
import type { StreamReceiver } from '../../src/e2e/index';
import { LegDelivery } from '../../src/shared/delivery';
import { receiveStreamFrame } from '../../src/shared/stream_frame';
import { FakeClock } from './fakes';

/** A receiver at `next` = 3 that fails every frame with `code`. */
function failingReceiver(code: string): StreamReceiver {
  return {
    nextSeq: 3,
    acknowledgedSeq: 2,
    receive: () => ({ ok: false, error: { code, detail: '' } }),
  } as unknown as StreamReceiver;
}

// §7.5: a frame that does not decrypt is dropped and asked for again. Before, nothing asked:
// when it was the last frame (nothing after it to show a gap) the genuine one came only after a
// reconnect.
test('a frame that does not decrypt is asked for again, once a second at most', () => {
  const clock = new FakeClock();
  const wire: Envelope[] = [];
  const delivery = new LegDelivery(new Uint8Array(16), 0, (bytes) => {
    const parsed = parseEnvelope(bytes);
    assert.ok(parsed.ok);
    wire.push(parsed.value);
    return true;
  }, clock);
  const failures: string[] = [];
  const receiver = failingReceiver('decrypt_failed');
  assert.equal(receiveStreamFrame(receiver, delivery, 3, new Uint8Array(40), (code) => failures.push(code)), null);
  assert.deepEqual(wire.map((e) => `${e.type} ${e.seq}`), ['resend 3']);
  receiveStreamFrame(receiver, delivery, 3, new Uint8Array(40), (code) => failures.push(code));
  assert.equal(wire.length, 1, 'not again within the second');
  assert.deepEqual(failures, [], 'the leg goes on');
});
