// A scripted counselor for the browser tests: speaks /ws/counselor (protocol.md §11.3) and
// Haven-E2E as the duty console will, so that a test can take a chat from the queue, read what
// the visitor wrote (decrypted) and answer (encrypted).

import { fromHex, toHex } from '../../src/e2e/bytes';
import { encodeEnvelope, parseEnvelope } from '../../src/e2e/envelope';
import type { CounselorIdentity, Message, Sodium } from '../../src/e2e/index';
import { CounselorLeg, type Outgoing } from './counselor_leg';
import { connectWebSocket, type WireSocket } from './websocket_wire';

export interface CounselorClientOptions {
  /** Haven's origin, e.g. http://127.0.0.1:8080. */
  readonly origin: string;
  readonly ticket: string;
  readonly identity: CounselorIdentity;
  readonly sodium: Sodium;
}

export class CounselorClient {
  readonly controls: Record<string, unknown>[] = [];
  private readonly legs_ = new Map<string, CounselorLeg>();
  private waiters_: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly socket_: WireSocket,
    private readonly options_: CounselorClientOptions,
  ) {
    socket_.on('message', (message) => {
      if (message.kind === 'text') this.handleControl(JSON.parse(message.text) as Record<string, unknown>);
      else this.handleBinary(message.bytes);
      this.wake();
    });
    socket_.on('close', () => this.wake());
  }

  static async connect(options: CounselorClientOptions): Promise<CounselorClient> {
    const url = `${options.origin.replace(/^http/, 'ws')}/ws/counselor`;
    const socket = await connectWebSocket(url, options.origin);
    const client = new CounselorClient(socket, options);
    socket.sendText(JSON.stringify({ type: 'auth', ticket: options.ticket }));
    await client.waitFor(() => client.controls.some((c) => c['type'] === 'ready'), 'ready');
    return client;
  }

  send(message: Record<string, unknown>): void {
    this.socket_.sendText(JSON.stringify(message));
  }

  /** Changes duty state and waits for the server's `status` saying so. */
  async setDuty(state: 'available' | 'away' | 'off'): Promise<void> {
    const before = this.controls.length;
    const expected = state === 'off' ? 'off_duty' : state;
    this.send({ type: 'duty', state });
    await this.waitFor(() => this.controls.slice(before).some((c) => c['type'] === 'status' && c['state'] === expected), `status ${expected}`);
  }

  /** Goes on duty and takes the next chat from the queue; resolves with its chat id (hex). */
  async takeNextChat(timeoutMs = 10000): Promise<string> {
    this.send({ type: 'duty', state: 'available' });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const before = this.controls.length;
      this.send({ type: 'take_next' });
      await this.waitFor(() => this.controls.slice(before).some((c) => c['type'] === 'assigned' || c['type'] === 'nothing_to_take'), 'take_next answer');
      const assigned = this.controls.slice(before).find((c) => c['type'] === 'assigned');
      if (assigned !== undefined) return assigned['chat_id'] as string;
      if (Date.now() > deadline) throw new Error('no chat to take');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Resolves once the visitor's stream has started on `chatId` (the handshake finished). */
  async established(chatId: string): Promise<void> {
    await this.waitFor(() => this.legs_.get(chatId)?.established === true, 'stream_start from the visitor');
  }

  say(chatId: string, text: string): void {
    this.transmit(this.leg(chatId).text(text));
  }

  /** Ends the chat: the E2E `end` (FINAL), then the control `end`. */
  end(chatId: string): void {
    this.transmit(this.leg(chatId).send({ kind: 'end', sentAtMs: BigInt(Date.now()), reason: 'ended' }));
    this.send({ type: 'end', chat_id: chatId });
  }

  /** Texts the visitor sent on `chatId`, decrypted. */
  texts(chatId: string): string[] {
    return (this.legs_.get(chatId)?.received ?? []).flatMap((message: Message) => (message.kind === 'text' ? [message.text] : []));
  }

  async waitForText(chatId: string, text: string): Promise<void> {
    await this.waitFor(() => this.texts(chatId).includes(text), `visitor text "${text}"`);
  }

  async waitFor(check: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters_ = this.waiters_.filter((waiter) => waiter.resolve !== done);
        reject(new Error(`counselor: timed out waiting for ${what}; controls: ${JSON.stringify(this.controls.slice(-5))}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters_.push({ check, resolve: done });
    });
  }

  close(): void {
    this.socket_.close(1000);
  }

  private leg(chatId: string): CounselorLeg {
    const leg = this.legs_.get(chatId);
    if (leg === undefined) throw new Error(`no leg for chat ${chatId}`);
    return leg;
  }

  private handleControl(message: Record<string, unknown>): void {
    this.controls.push(message);
    if (message['type'] === 'assigned') {
      const chatId = message['chat_id'] as string;
      const bytes = fromHex(chatId);
      if (bytes === null) throw new Error('bad chat id');
      this.legs_.set(chatId, new CounselorLeg(this.options_.sodium, this.options_.identity, bytes, message['leg'] as number, () => Date.now() / 1000));
    } else if (message['type'] === 'offer') {
      this.send({ type: 'answer_offer', chat_id: message['chat_id'], accept: true });
    }
  }

  private handleBinary(bytes: Uint8Array): void {
    const envelope = parseEnvelope(bytes);
    if (!envelope.ok) throw new Error('bad envelope from the server');
    const leg = this.legs_.get(toHex(envelope.value.chatId));
    if (leg === undefined || leg.leg !== envelope.value.leg) return;
    switch (envelope.value.type) {
      case 'data':
        for (const reply of leg.onData(envelope.value.seq, envelope.value.payload)) this.transmit(reply);
        return;
      case 'ack':
        leg.acknowledged(envelope.value.seq);
        return;
      case 'resend':
        for (const again of leg.framesFrom(envelope.value.seq)) this.transmit(again);
    }
  }

  private transmit(envelope: Outgoing): void {
    this.socket_.sendBinary(encodeEnvelope(envelope));
  }

  private wake(): void {
    const waiters = this.waiters_;
    this.waiters_ = [];
    for (const waiter of waiters) {
      if (waiter.check()) waiter.resolve();
      else this.waiters_.push(waiter);
    }
  }
}
