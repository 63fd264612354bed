// The binary transport envelope around E2E frames (protocol.md §10). The server reads these 23
// header bytes and nothing else; the direction is implied by the socket. The chat id lets one
// counselor socket carry several chats.
//
//   envelope = data / ack / resend
//   data     = 0x01 chat_id:16 leg:u16 seq:u32 payload   ; payload: 1..4400 bytes, one E2E frame (§6)
//   ack      = 0x02 chat_id:16 leg:u16 seq:u32           ; every frame of `leg` up to `seq` arrived
//   resend   = 0x03 chat_id:16 leg:u16 seq:u32           ; send frames of `leg` from `seq` again
//
// Frames are numbered from 1 (§6), so seq 0 is refused in all three.

import { concat, parseAll, u16, u32, u8 } from './bytes';
import { fail, ok, type Result } from './errors';
import { kLegMax } from './ids';

export const kEnvelopeHeaderBytes = 23;
export const kChatIdBytes = 16;
export const kPayloadMaxBytes = 4400;

const kTypeData = 0x01;
const kTypeAck = 0x02;
const kTypeResend = 0x03;

interface EnvelopeHeader {
  readonly chatId: Uint8Array;
  readonly leg: number;
  readonly seq: number;
}

export type Envelope =
  | (EnvelopeHeader & { readonly type: 'data'; readonly payload: Uint8Array })
  | (EnvelopeHeader & { readonly type: 'ack' })
  | (EnvelopeHeader & { readonly type: 'resend' });

/** Encodes an envelope. Throws RangeError for a chat id, leg, seq or payload size §10 does not allow. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  if (envelope.chatId.length !== kChatIdBytes) throw new RangeError('chat id');
  if (!Number.isInteger(envelope.leg) || envelope.leg < 0 || envelope.leg > kLegMax) throw new RangeError('leg');
  if (envelope.seq < 1) throw new RangeError('seq starts at 1');
  const header = (type: number) => concat(u8(type), envelope.chatId, u16(envelope.leg), u32(envelope.seq));
  switch (envelope.type) {
    case 'data':
      if (envelope.payload.length < 1 || envelope.payload.length > kPayloadMaxBytes) throw new RangeError('payload size');
      return concat(header(kTypeData), envelope.payload);
    case 'ack':
      return header(kTypeAck);
    case 'resend':
      return header(kTypeResend);
  }
}

/**
 * Parses one binary WebSocket message. Fails with `malformed` for an unknown type, a short
 * header, seq 0, a data payload outside 1..4400 bytes, or bytes after an ack or resend.
 */
export function parseEnvelope(bytes: Uint8Array): Result<Envelope> {
  return parseAll(bytes, (reader) => {
    const type = reader.u8();
    const chatId = reader.bytes(kChatIdBytes);
    const leg = reader.u16();
    const seq = reader.u32();
    if (seq === 0) return fail('malformed', 'seq 0');
    switch (type) {
      case kTypeData: {
        const payload = reader.rest();
        if (payload.length < 1 || payload.length > kPayloadMaxBytes) return fail('malformed', 'payload size');
        return ok({ type: 'data', chatId, leg, seq, payload });
      }
      case kTypeAck:
        return ok({ type: 'ack', chatId, leg, seq });
      case kTypeResend:
        return ok({ type: 'resend', chatId, leg, seq });
      default:
        return fail('malformed', `envelope type ${type}`);
    }
  });
}
