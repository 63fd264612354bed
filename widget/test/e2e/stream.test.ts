import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, u64, u8, utf8 } from '../../src/e2e/bytes';
import { encodeMessage, type Message } from '../../src/e2e/message';
import { pad } from '../../src/e2e/padding';
import {
  frameAssociatedData,
  kTagFinal,
  kTagMessage,
  kTagPush,
  kTagRekey,
  StreamReceiver,
  StreamSender,
  type SentFrame,
  type StreamBinding,
} from '../../src/e2e/stream';
import { chatId, codeOf, flipBit, kNow, loadSodium, unwrap } from './fixtures';

const sodium = await loadSodium();
const v2c: StreamBinding = { chatId: chatId(sodium), leg: 0, direction: 'v2c' };
const c2v: StreamBinding = { ...v2c, direction: 'c2v' };

function text(body: string, sentAtMs = 1n): Message {
  return { kind: 'text', sentAtMs, text: body };
}
const kEnd: Message = { kind: 'end', sentAtMs: 2n, reason: 'ended' };

function pair(binding: StreamBinding) {
  const key = sodium.randombytes_buf(32);
  const sender = new StreamSender(sodium, key.slice(), binding, kNow);
  const receiver = new StreamReceiver(sodium, key.slice(), sender.header, binding);
  return { key, sender, receiver };
}

/** A receiver fed by raw secretstream pushes, to make frames a correct sender never would. */
function rawPair(binding: StreamBinding) {
  const key = sodium.randombytes_buf(32);
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const receiver = new StreamReceiver(sodium, key.slice(), header, binding);
  const push = (plaintext: Uint8Array, tag: number, seq: number) =>
    sodium.crypto_secretstream_xchacha20poly1305_push(state, plaintext, frameAssociatedData(binding, seq), tag);
  return { receiver, push };
}

function sendAll(sender: StreamSender, messages: Message[], now = kNow): SentFrame[] {
  return messages.map((message) => unwrap(sender.send(message, now)));
}

test('first ciphertext seq is 3 for v2c and 2 for c2v', () => {
  assert.equal(pair(v2c).sender.nextSeq, 3);
  assert.equal(pair(v2c).receiver.nextSeq, 3);
  assert.equal(pair(c2v).sender.nextSeq, 2);
  assert.equal(pair(c2v).receiver.nextSeq, 2);
});

test('the sender wipes the key it was given', () => {
  const key = sodium.randombytes_buf(32);
  new StreamSender(sodium, key, v2c, kNow);
  assert.ok(key.every((byte) => byte === 0));
});

test('REKEY on messages 16, 32, 48 since the start, FINAL only on end, and the receiver agrees', () => {
  for (const binding of [v2c, c2v]) {
    const { sender, receiver } = pair(binding);
    const messages = Array.from({ length: 50 }, (_, i) => text(`сообщение ${i + 1}`, BigInt(i)));
    const frames = sendAll(sender, [...messages, kEnd]);
    const expectedTags = frames.map((_, i) => (i === 50 ? kTagFinal : (i + 1) % 16 === 0 ? kTagRekey : kTagMessage));
    assert.deepEqual(
      frames.map((frame) => frame.tag),
      expectedTags,
    );
    frames.forEach((frame, i) => {
      assert.equal(frame.seq, receiver.nextSeq);
      const received = unwrap(receiver.receive(frame.seq, frame.frame));
      assert.equal(received.tag, expectedTags[i]);
      assert.deepEqual(received.message, i === 50 ? kEnd : messages[i]);
    });
    assert.ok(receiver.finished);
    assert.deepEqual(receiver.end(), { ok: true, value: true });
    assert.equal(codeOf(sender.send(text('after the end'), kNow)), 'stream_finished');
    assert.equal(codeOf(receiver.receive(receiver.nextSeq, frames[0]!.frame)), 'stream_finished');
  }
});

test('REKEY once 300 s have passed since the start or the last rekey, and the count restarts', () => {
  const { sender, receiver } = pair(c2v);
  const plan: Array<[number, number]> = [
    [kNow + 10, kTagMessage],
    [kNow + 299, kTagMessage],
    [kNow + 300, kTagRekey],
    [kNow + 599, kTagMessage],
    [kNow + 600, kTagRekey],
    [kNow + 600.5, kTagMessage],
  ];
  for (const [now, tag] of plan) {
    const frame = unwrap(sender.send(text(`t=${now}`), now));
    assert.equal(frame.tag, tag, `at ${now - kNow}`);
    assert.equal(unwrap(receiver.receive(frame.seq, frame.frame)).tag, tag);
  }
  // One message since the rekey at +600: the 16th since then is messages 2..15 more, then REKEY.
  const tags = Array.from({ length: 15 }, () => unwrap(sender.send(text('x'), kNow + 601)));
  assert.deepEqual(
    tags.map((frame) => frame.tag),
    [...Array<number>(14).fill(kTagMessage), kTagRekey],
  );
  for (const frame of tags) unwrap(receiver.receive(frame.seq, frame.frame));
  const final = unwrap(sender.send(kEnd, kNow + 10_000));
  assert.equal(final.tag, kTagFinal, 'end is FINAL even when a rekey is due');
  assert.equal(unwrap(receiver.receive(final.seq, final.frame)).tag, kTagFinal);
});

test('a clock running backwards does not rekey early and the count still does', () => {
  const { sender } = pair(v2c);
  const frames = Array.from({ length: 16 }, (_, i) => unwrap(sender.send(text('x'), kNow - 1000 * i)));
  assert.deepEqual(
    frames.map((frame) => frame.tag),
    [...Array<number>(15).fill(kTagMessage), kTagRekey],
  );
});

test('a message too long is refused without using a seq or touching the stream', () => {
  const { sender, receiver } = pair(v2c);
  assert.equal(codeOf(sender.send(text('a'.repeat(4001)), kNow)), 'message_too_long');
  assert.equal(codeOf(sender.send({ kind: 'transfer', sentAtMs: 0n, nextLeg: 1, certificate: new Uint8Array(200) }, kNow)), 'bad_message');
  const frame = unwrap(sender.send(text('a'.repeat(4000)), kNow));
  assert.equal(frame.seq, 3);
  assert.equal(frame.frame.length, 4096 + 17);
  assert.equal(unwrap(receiver.receive(3, frame.frame)).seq, 3);
});

test('every single-bit flip of every recorded frame is decrypt_failed, and the genuine frame still decrypts', () => {
  const { sender, receiver } = pair(c2v);
  const messages = [...Array.from({ length: 17 }, (_, i) => text(`m${i}`)), kEnd];
  const frames = sendAll(sender, messages);
  assert.ok(frames.some((frame) => frame.tag === kTagRekey) && frames.at(-1)!.tag === kTagFinal);
  let attempts = 0;
  for (const frame of frames) {
    for (let bit = 0; bit < frame.frame.length * 8; bit++) {
      const result = receiver.receive(frame.seq, flipBit(frame.frame, bit));
      assert.equal(codeOf(result), 'decrypt_failed', `seq ${frame.seq} bit ${bit}`);
      attempts++;
    }
    for (const length of [0, 1, 16, 17, frame.frame.length - 1]) {
      assert.equal(codeOf(receiver.receive(frame.seq, frame.frame.subarray(0, length))), 'decrypt_failed', `cut to ${length}`);
    }
    assert.equal(codeOf(receiver.receive(frame.seq, concat(frame.frame, u8(0)))), 'decrypt_failed', 'extended');
    assert.equal(unwrap(receiver.receive(frame.seq, frame.frame)).seq, frame.seq);
  }
  assert.ok(attempts > 18 * 256 * 8);
  assert.ok(receiver.finished);
});

test('a frame moved to another chat, leg, direction or seq does not decrypt', () => {
  const key = sodium.randombytes_buf(32);
  const sender = new StreamSender(sodium, key.slice(), v2c, kNow);
  const first = unwrap(sender.send(text('one'), kNow));
  const second = unwrap(sender.send(text('two'), kNow));
  const elsewhere: StreamBinding[] = [
    { ...v2c, chatId: chatId(sodium, 1) },
    { ...v2c, leg: 1 },
    { ...v2c, direction: 'c2v' },
  ];
  for (const binding of elsewhere) {
    const receiver = new StreamReceiver(sodium, key.slice(), sender.header, binding);
    assert.equal(codeOf(receiver.receive(receiver.nextSeq, first.frame)), 'decrypt_failed', JSON.stringify(binding.direction));
  }
  const receiver = new StreamReceiver(sodium, key.slice(), sender.header, v2c);
  unwrap(receiver.receive(3, first.frame));
  assert.equal(codeOf(receiver.receive(4, first.frame)), 'decrypt_failed', 'replayed under the next seq');
  assert.equal(unwrap(receiver.receive(4, second.frame)).seq, 4);
  const wrongHeader = new StreamReceiver(sodium, key.slice(), flipBit(sender.header, 3), v2c);
  assert.equal(codeOf(wrongHeader.receive(3, first.frame)), 'decrypt_failed', 'altered header');
});

test('reorder, duplicate and drop are detected by seq and recovered by resending the same bytes', () => {
  const { sender, receiver } = pair(v2c);
  const frames = sendAll(sender, [text('a'), text('b'), text('c'), text('d'), kEnd]);
  const [a, b, c, d, end] = frames as [SentFrame, SentFrame, SentFrame, SentFrame, SentFrame];
  assert.equal(codeOf(receiver.receive(b.seq, b.frame)), 'frame_gap', 'reordered');
  assert.equal(receiver.nextSeq, a.seq, 'resend from here');
  unwrap(receiver.receive(a.seq, a.frame));
  assert.equal(codeOf(receiver.receive(a.seq, a.frame)), 'duplicate_frame');
  assert.equal(receiver.acknowledgedSeq, a.seq);
  unwrap(receiver.receive(b.seq, b.frame));
  assert.equal(codeOf(receiver.receive(d.seq, d.frame)), 'frame_gap', 'c dropped');
  assert.equal(codeOf(receiver.receive(end.seq, end.frame)), 'frame_gap');
  assert.equal(receiver.nextSeq, c.seq);
  unwrap(receiver.receive(c.seq, c.frame));
  unwrap(receiver.receive(d.seq, d.frame));
  assert.equal(codeOf(receiver.receive(a.seq, a.frame)), 'duplicate_frame');
  assert.deepEqual(unwrap(receiver.receive(end.seq, end.frame)).message, kEnd);
  assert.equal(codeOf(receiver.receive(end.seq, end.frame)), 'duplicate_frame', 'a re-sent FINAL is acknowledged again');
  assert.equal(codeOf(receiver.receive(end.seq + 1, end.frame)), 'stream_finished', 'after FINAL new frames are dropped');
});

test('a stream that ends without FINAL is truncated', () => {
  const { sender, receiver } = pair(c2v);
  const frames = sendAll(sender, [text('a'), text('b'), kEnd]);
  assert.equal(codeOf(receiver.end()), 'truncated');
  unwrap(receiver.receive(frames[0]!.seq, frames[0]!.frame));
  unwrap(receiver.receive(frames[1]!.seq, frames[1]!.frame));
  assert.equal(codeOf(receiver.end()), 'truncated', 'the FINAL frame was cut off');
  unwrap(receiver.receive(frames[2]!.seq, frames[2]!.frame));
  assert.equal(codeOf(receiver.end()), 'ok');
});

test('invalid padding is bad_padding and drops the stream', () => {
  const { receiver, push } = rawPair(v2c);
  const message = unwrap(encodeMessage(text('hi'), 'v2c'));
  assert.equal(codeOf(receiver.receive(3, push(message, kTagMessage, 3))), 'bad_padding');
  assert.equal(codeOf(receiver.receive(4, push(pad(message), kTagMessage, 4))), 'bad_message', 'stays dropped');
  const wrongMark = pad(message);
  wrongMark[message.length] = 0x81;
  const fresh = rawPair(v2c);
  assert.equal(codeOf(fresh.receiver.receive(3, fresh.push(wrongMark, kTagMessage, 3))), 'bad_padding');
});

test('wrong tags and invalid messages are bad_message and drop the stream', () => {
  const padded = (message: Message, direction: 'v2c' | 'c2v' = 'c2v') => pad(unwrap(encodeMessage(message, direction)));
  const cases: Array<[string, Uint8Array, number]> = [
    ['PUSH tag', padded(text('x')), kTagPush],
    ['tag 4', padded(text('x')), 4],
    ['FINAL on text', padded(text('x')), kTagFinal],
    ['end without FINAL', padded(kEnd), kTagMessage],
    ['end with REKEY', padded(kEnd), kTagRekey],
    ['unknown kind', pad(concat(u8(9), u64(0n), utf8('x'))), kTagMessage],
    ['empty text', pad(concat(u8(1), u64(0n))), kTagMessage],
    ['empty plaintext', pad(new Uint8Array(0)), kTagMessage],
  ];
  for (const [what, plaintext, tag] of cases) {
    const { receiver, push } = rawPair(c2v);
    assert.equal(codeOf(receiver.receive(2, push(plaintext, tag, 2))), 'bad_message', what);
    assert.equal(codeOf(receiver.receive(3, push(padded(text('y')), kTagMessage, 3))), 'bad_message', `${what}, then`);
    assert.equal(codeOf(receiver.end()), 'truncated');
  }
  const transfer: Message = { kind: 'transfer', sentAtMs: 0n, nextLeg: 1, certificate: new Uint8Array(200) };
  const { receiver, push } = rawPair(v2c);
  assert.equal(codeOf(receiver.receive(3, push(padded(transfer, 'c2v'), kTagMessage, 3))), 'bad_message', 'transfer from the visitor');
});

test('disposed streams send and receive nothing', () => {
  const { sender, receiver } = pair(v2c);
  const frame = unwrap(sender.send(text('a'), kNow));
  sender.dispose();
  receiver.dispose();
  assert.equal(codeOf(sender.send(text('b'), kNow)), 'stream_finished');
  assert.equal(codeOf(receiver.receive(frame.seq, frame.frame)), 'stream_finished');
});
