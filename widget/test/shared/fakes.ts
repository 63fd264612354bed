// Fakes for the visitor modules' unit tests: a clock whose time moves only when told, and a
// WebSocket that records what was sent and lets the test play the server.

import type { Clock, TimerHandle } from '../../src/shared/clock';
import type { SocketLike } from '../../src/shared/connection';

export class FakeClock implements Clock {
  private timers_: { id: number; at: number; callback: () => void }[] = [];
  private nextId_ = 1;

  constructor(private now_ = 1_760_000_000_000) {}

  nowMs(): number {
    return this.now_;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId_++;
    this.timers_.push({ id, at: this.now_ + delayMs, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers_ = this.timers_.filter((timer) => timer.id !== handle);
  }

  get pendingTimers(): number {
    return this.timers_.length;
  }

  /** Moves time on by `ms`, running each timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.now_ + ms;
    for (;;) {
      const due = this.timers_.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers_ = this.timers_.filter((timer) => timer !== due);
      this.now_ = due.at;
      due.callback();
    }
    this.now_ = end;
  }
}

export class FakeSocket implements SocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly sent: (string | Uint8Array)[] = [];
  closedWith: number | null = null;

  constructor(readonly url: string) {}

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(typeof data === 'string' ? data : new Uint8Array(data instanceof ArrayBuffer ? data : (data as Uint8Array)).slice());
  }

  close(code?: number): void {
    this.closedWith = code ?? 1005;
    this.readyState = 3;
  }

  // The server's side.
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  text(value: unknown): void {
    this.onmessage?.({ data: typeof value === 'string' ? value : JSON.stringify(value) } as MessageEvent);
  }

  binary(bytes: Uint8Array): void {
    const copy = bytes.slice();
    this.onmessage?.({ data: copy.buffer } as MessageEvent);
  }

  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }

  /** Text messages sent, parsed. */
  get controls(): Record<string, unknown>[] {
    return this.sent.filter((item): item is string => typeof item === 'string').map((text) => JSON.parse(text) as Record<string, unknown>);
  }

  get binaries(): Uint8Array[] {
    return this.sent.filter((item): item is Uint8Array => typeof item !== 'string');
  }
}

/** A socket factory that remembers every socket it made. */
export function socketFactory(): { sockets: FakeSocket[]; create: (url: string) => FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    create: (url: string) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  };
}
