// A scripted visitor for the console's browser tests: the widget's own VisitorClient (the real
// §11.2 conversation and Haven-E2E session, the code the iframe runs) driven from node over a
// small WebSocket, so a test can queue twenty visitors without twenty browser pages.

import type { SocketLike } from '../../src/shared/connection';
import { kBrowserClock } from '../../src/shared/clock';
import type { Profile } from '../../src/visitor/control';
import { VisitorClient, type Outcome } from '../../src/visitor/visitor_client';
import { nodeSodium } from './test_org';
import { connectWebSocket, type WireSocket } from './websocket_wire';

/** The browser WebSocket's surface over WireSocket (which sends the Origin header Haven checks). */
class WireSocketLike implements SocketLike {
  binaryType: BinaryType = 'arraybuffer';
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private socket_: WireSocket | null = null;

  constructor(url: string, origin: string) {
    connectWebSocket(url, origin).then(
      (socket) => {
        this.socket_ = socket;
        this.readyState = 1;
        socket.on('message', (message: { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array }) => {
          const data = message.kind === 'text' ? message.text : message.bytes.slice().buffer;
          this.onmessage?.({ data } as MessageEvent);
        });
        socket.on('close', (code: number) => {
          this.readyState = 3;
          this.onclose?.({ code } as CloseEvent);
        });
        this.onopen?.({} as Event);
      },
      () => {
        this.readyState = 3;
        this.onclose?.({ code: 1006 } as CloseEvent);
      },
    );
  }

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.socket_ === null) throw new Error('not open');
    if (typeof data === 'string') this.socket_.sendText(data);
    else this.socket_.sendBinary(data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer));
  }

  close(code = 1000): void {
    this.socket_?.close(code);
  }
}

export class VisitorBot {
  readonly heard: string[] = [];
  readonly joined: { value: boolean } = { value: false };
  counselorName: string | null = null;
  /** §5.5 verification code of the current leg. */
  code: string | null = null;
  transferredTo: string | null = null;
  verified = 0;
  outcome: Outcome | null = null;
  position: number | null = null;
  private client_: VisitorClient | null = null;
  private waiters_: (() => void)[] = [];
  private nextId_ = 1;

  private constructor() {}

  /** Opens /ws/visitor, checks the org fingerprint, joins the queue with `profile`. */
  static async start(origin: string, fingerprint: string, profile: Partial<Profile> = {}): Promise<VisitorBot> {
    const bot = await VisitorBot.open(origin, fingerprint, profile);
    if (bot.outcome !== null) throw new Error(`visitor could not join: ${bot.outcome}`);
    return bot;
  }

  /** As start, but a visitor the server turns away (busy, offline) is returned with its `outcome`. */
  static async open(origin: string, fingerprint: string, profile: Partial<Profile> = {}): Promise<VisitorBot> {
    const bot = new VisitorBot();
    const sodium = await nodeSodium();
    const url = `${origin.replace(/^http/, 'ws')}/ws/visitor`;
    bot.client_ = new VisitorClient(
      {
        url,
        fingerprint,
        profile: { language: profile.language ?? 'bg', age_band: profile.age_band ?? '', in_danger: profile.in_danger ?? '' },
        sodium,
        createSocket: (target) => new WireSocketLike(target, origin),
        clock: kBrowserClock,
      },
      {
        onEmergencyNumbers: () => {},
        onQueue: (position) => bot.update(() => (bot.position = position)),
        onJoined: () => bot.update(() => (bot.joined.value = true)),
        onAssigned: () => {},
        onCounselorVerified: (identity) => bot.update(() => {
          bot.counselorName = identity.name;
          bot.code = identity.code;
          bot.verified += 1;
        }),
        onFirstFrameDecrypted: () => {},
        onMessage: (text) => bot.update(() => bot.heard.push(text)),
        onTextSent: () => {},
        onTransferAuthorised: (name) => bot.update(() => (bot.transferredTo = name)),
        onRequeued: () => {},
        onPeer: () => {},
        onReconnecting: () => {},
        onReconnected: () => {},
        onFinished: (outcome) => bot.update(() => (bot.outcome = outcome)),
      },
    );
    bot.client_.start();
    await bot.waitFor(() => bot.joined.value || bot.outcome !== null, 'joined');
    return bot;
  }

  say(text: string): void {
    this.client_?.sendText(this.nextId_++, text);
  }

  /** Ends the chat as the widget's "end" button does. */
  end(): void {
    this.client_?.endChat();
  }

  /** Leaves (quick exit): `leave`, close, wipe. */
  leave(): void {
    this.client_?.wipe();
    this.update(() => (this.outcome = 'ended'));
  }

  async waitFor(check: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`visitor: timed out waiting for ${what} (heard ${JSON.stringify(this.heard)}, outcome ${this.outcome})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters_.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private update(change: () => unknown): void {
    change();
    const waiters = this.waiters_;
    this.waiters_ = [];
    for (const wake of waiters) wake();
  }
}
