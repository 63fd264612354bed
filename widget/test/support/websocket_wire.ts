// A small RFC 6455 WebSocket for the browser tests' node side: the scripted counselor client
// (which must send an Origin header) and the scripted visitors. Text and binary messages,
// ping/pong, close codes; no extensions, no fragmentation on send.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { requestFor } from './test_tls';

export type WireMessage = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'binary'; readonly bytes: Uint8Array };

function frame(opcode: number, payload: Buffer, mask: boolean): Buffer {
  const length = payload.length;
  const header: number[] = [0x80 | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    header.push(maskBit | 127, 0, 0, 0, 0);
    header.push((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  }
  if (!mask) return Buffer.concat([Buffer.from(header), payload]);
  const key = randomBytes(4);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([Buffer.from(header), key, masked]);
}

/**
 * One WebSocket connection over a raw socket. Emits 'message' (WireMessage) and 'close'
 * (code: number). `client` masks what it sends, as RFC 6455 requires of clients.
 */
export class WireSocket extends EventEmitter {
  private buffer_ = Buffer.alloc(0);
  private fragments_: Buffer[] = [];
  private fragmentOpcode_ = 0;
  private closed_ = false;
  closeCode: number | null = null;

  constructor(
    private readonly socket_: Duplex,
    private readonly client_: boolean,
    head: Buffer = Buffer.alloc(0),
  ) {
    super();
    socket_.on('data', (chunk: Buffer) => this.receive(chunk));
    socket_.on('close', () => this.finish(this.closeCode ?? 1006));
    socket_.on('error', () => this.finish(1006));
    // Bytes that came with the upgrade (a server that speaks first, like /ws/visitor's welcome)
    // are read on a later turn, once the caller has had a chance to listen; anything arriving
    // meanwhile is appended after them, so the order holds.
    if (head.length > 0) {
      this.buffer_ = Buffer.from(head);
      setImmediate(() => this.receive(Buffer.alloc(0)));
    }
  }

  get open(): boolean {
    return !this.closed_;
  }

  sendText(text: string): void {
    if (!this.closed_) this.socket_.write(frame(0x1, Buffer.from(text, 'utf8'), this.client_));
  }

  sendBinary(bytes: Uint8Array): void {
    if (!this.closed_) this.socket_.write(frame(0x2, Buffer.from(bytes), this.client_));
  }

  /** A close frame with `code`, then the TCP connection ends. */
  close(code = 1000): void {
    if (this.closed_) return;
    const payload = Buffer.from([code >> 8, code & 0xff]);
    this.socket_.write(frame(0x8, payload, this.client_));
    this.closeCode = code;
    this.socket_.end();
    this.finish(code);
  }

  /** Drops the TCP connection without a close frame (the peer sees 1006). */
  destroy(): void {
    this.socket_.destroy();
    this.finish(1006);
  }

  private finish(code: number): void {
    if (this.closed_) return;
    this.closed_ = true;
    this.closeCode = code;
    this.emit('close', code);
  }

  private receive(chunk: Buffer): void {
    this.buffer_ = Buffer.concat([this.buffer_, chunk]);
    for (;;) {
      const b = this.buffer_;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const maskKey = masked ? b.subarray(offset, offset + 4) : null;
      if (masked) offset += 4;
      if (b.length < offset + length) return;
      const payload = Buffer.from(b.subarray(offset, offset + length));
      if (maskKey !== null) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ maskKey[i & 3]!;
      this.buffer_ = b.subarray(offset + length);
      this.handleFrame(fin, opcode, payload);
    }
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 0x8) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      if (!this.closed_) {
        this.socket_.write(frame(0x8, payload.subarray(0, 2), this.client_));
        this.socket_.end();
      }
      this.finish(code);
      return;
    }
    if (opcode === 0x9) {
      this.socket_.write(frame(0xa, payload, this.client_));
      return;
    }
    if (opcode === 0xa) return;
    if (opcode !== 0) this.fragmentOpcode_ = opcode;
    this.fragments_.push(payload);
    if (!fin) return;
    const whole = Buffer.concat(this.fragments_);
    this.fragments_ = [];
    const message: WireMessage =
      this.fragmentOpcode_ === 0x1 ? { kind: 'text', text: whole.toString('utf8') } : { kind: 'binary', bytes: new Uint8Array(whole) };
    this.emit('message', message);
  }
}

/** Opens a client connection to `url` (ws://, or wss:// with the test certificate) sending `origin`. */
export function connectWebSocket(url: string, origin: string): Promise<WireSocket> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = requestFor(target, {
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        Origin: origin,
      },
    });
    req.on('upgrade', (_response, socket, head) => resolve(new WireSocket(socket, true, head)));
    req.on('response', (response) => reject(new Error(`WebSocket upgrade refused: HTTP ${response.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}
