// One stream frame through the receiver rules both sides share (protocol.md §7.5, §10): a
// duplicate is acknowledged again, a gap asks for a resend, a frame that does not decrypt is
// dropped and the genuine one asked for again (it may have been the last frame, with nothing
// after it to reveal a gap), and one that decrypts to something malformed breaks the leg. Used by the visitor's chat session and the console's chat legs.

import type { E2eErrorCode, Message, StreamReceiver } from '../e2e/index';
import type { LegDelivery } from './delivery';

/** The message to deliver, or null when there is nothing to deliver. */
export function receiveStreamFrame(
  receiver: StreamReceiver,
  delivery: LegDelivery,
  seq: number,
  payload: Uint8Array,
  fail: (code: E2eErrorCode) => void,
): Message | null {
  const result = receiver.receive(seq, payload);
  if (!result.ok) {
    switch (result.error.code) {
      case 'duplicate_frame':
        delivery.received(receiver.acknowledgedSeq, true);
        return null;
      case 'frame_gap':
      case 'decrypt_failed':
        delivery.gap(receiver.nextSeq);
        return null;
      case 'bad_padding':
      case 'bad_message':
        fail(result.error.code);
        return null;
      default:
        return null; // stream_finished: drop
    }
  }
  delivery.received(seq);
  return result.value.message;
}
