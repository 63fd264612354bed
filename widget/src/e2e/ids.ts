// Identifiers of a chat (protocol.md §4): the chat id, the leg, and the two directions.

export const kChatIdBytes = 16;
export const kLegMax = 0xffff;

/** v2c: visitor → counselor (0x01); c2v: counselor → visitor (0x02). */
export type Direction = 'v2c' | 'c2v';

export function directionByte(direction: Direction): number {
  return direction === 'v2c' ? 0x01 : 0x02;
}

/** The `seq` of the first stream ciphertext in each direction (§6). */
export function firstCiphertextSeq(direction: Direction): number {
  return direction === 'v2c' ? 3 : 2;
}

/** Throws RangeError unless `chatId` and `leg` can be encoded: callers pass values they hold. */
export function checkChatAndLeg(chatId: Uint8Array, leg: number): void {
  if (chatId.length !== kChatIdBytes) throw new RangeError('chat id must be 16 bytes');
  if (!Number.isInteger(leg) || leg < 0 || leg > kLegMax) throw new RangeError('leg must be a u16');
}
