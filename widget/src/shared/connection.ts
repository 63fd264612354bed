// A WebSocket (the visitor's /ws/visitor, the console's /ws/counselor) as a state machine that
// survives network drops (protocol.md §9, §12.2). It knows nothing of chats: it opens, passes
// messages up, and after an abnormal close (1006), a server restart (1012) or a full outbound
// queue (1013) opens again after an exponential back-off with jitter, telling its owner each
// time, so that the owner can resume (visitor: §11.2 `resume`; console: `auth` with a new
// ticket, §11.3). Any other close code ends it.
//
//   idle ──start()──▶ connecting ──open──▶ open
//                        ▲    │              │ close 1006/1012/1013
//                        │    │ close        ▼
//                        └─ waiting ◀────────┘       (attempts left; else closed 'gave_up')
//   an attempt neither open nor closed after openTimeoutMs counts as a drop (1006)
//   open/connecting ── close 1000 ──▶ closed 'ended'
//   open/connecting ── other code ──▶ closed 'rejected'
//   any ── stop() ──▶ closed 'stopped'
//
// Not thread-safe; single browser task queue.

import type { Clock, TimerHandle } from './clock';

/** The part of the browser WebSocket this module uses (a fake in unit tests). */
export interface SocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';
/** Why the connection ended for good. */
export type ClosedReason = 'ended' | 'rejected' | 'gave_up' | 'stopped';

export interface ConnectionListener {
  /** The socket is open; `reconnected` is true after a drop (resume the chat). */
  onOpen(reconnected: boolean): void;
  onText(text: string): void;
  onBinary(bytes: Uint8Array): void;
  /** A drop: the next attempt starts in `delayMs`. */
  onRetrying(attempt: number, delayMs: number): void;
  /** Ended for good; `code` is the last close code seen (0 if none). */
  onClosed(reason: ClosedReason, code: number): void;
}

export interface BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Consecutive failed attempts after which the connection gives up... */
  readonly maxAttempts: number;
  /** ...or, before it was ever open (Haven unreachable: show the offline screen sooner), these. */
  readonly maxFirstAttempts: number;
  /**
   * An attempt that has neither opened nor failed by then counts as failed. The browser's own
   * limit is minutes (Chromium: 240 s) — minutes of "trying again" for someone who may have
   * none, on a network that swallowed the handshake.
   */
  readonly openTimeoutMs: number;
}

/** About two minutes of retrying in all: within the server's resume window. */
export const kDefaultBackoff: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 15000, maxAttempts: 12, maxFirstAttempts: 3, openTimeoutMs: 10000 };

/** Close codes after which the client reconnects and resumes (§12.2). */
export const kReconnectCodes: readonly number[] = [1006, 1012, 1013];
export const kNormalClosure = 1000;

const kOpen = 1;

/**
 * Delay before attempt `attempt` (1-based): the exponential step min(max, initial·2^(attempt-1)),
 * scaled into [½, 1] of itself by `random` ("equal jitter"), so that many visitors dropped by one
 * server restart do not all come back in the same millisecond.
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random);
}

export class Connection {
  private state_: ConnectionState = 'idle';
  private socket_: SocketLike | null = null;
  private timer_: TimerHandle | null = null;
  private attempts_ = 0;
  private everOpened_ = false;

  constructor(
    private readonly url_: string,
    private readonly createSocket_: SocketFactory,
    private readonly listener_: ConnectionListener,
    private readonly clock_: Clock,
    private readonly random_: () => number = Math.random,
    private readonly policy_: BackoffPolicy = kDefaultBackoff,
  ) {}

  get state(): ConnectionState {
    return this.state_;
  }

  /** True while a socket is open and messages can be sent. */
  get isOpen(): boolean {
    return this.state_ === 'open' && this.socket_?.readyState === kOpen;
  }

  start(): void {
    if (this.state_ !== 'idle') return;
    this.connect();
  }

  /** Sends on the open socket; returns false (and sends nothing) when not open. */
  send(data: string | Uint8Array): boolean {
    if (!this.isOpen || this.socket_ === null) return false;
    this.socket_.send(data);
    return true;
  }

  /**
   * While waiting to retry, tries now (the browser reported it is online again). Does not reset
   * the attempt count.
   */
  retryNow(): void {
    if (this.state_ !== 'waiting') return;
    this.cancelTimer();
    this.connect();
  }

  /** Ends the connection for good: closes the socket with 1000 and stops retrying. */
  stop(): void {
    if (this.state_ === 'closed') return;
    this.cancelTimer();
    const socket = this.socket_;
    this.detach();
    this.state_ = 'closed';
    if (socket !== null) {
      try {
        socket.close(kNormalClosure);
      } catch {
        // already closing
      }
    }
    this.listener_.onClosed('stopped', kNormalClosure);
  }

  private connect(): void {
    this.state_ = 'connecting';
    let socket: SocketLike;
    try {
      socket = this.createSocket_(this.url_);
    } catch {
      this.dropped(1006);
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket_ = socket;
    this.timer_ = this.clock_.setTimeout(() => {
      this.timer_ = null;
      if (this.socket_ !== socket || this.state_ !== 'connecting') return;
      this.detach();
      try {
        socket.close();
      } catch {
        // never opened
      }
      this.dropped(1006);
    }, this.policy_.openTimeoutMs);
    socket.onopen = () => {
      if (this.socket_ !== socket) return;
      this.cancelTimer();
      const reconnected = this.everOpened_;
      this.everOpened_ = true;
      this.attempts_ = 0;
      this.state_ = 'open';
      this.listener_.onOpen(reconnected);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket_ !== socket) return;
      const data: unknown = event.data;
      if (typeof data === 'string') this.listener_.onText(data);
      else if (data instanceof ArrayBuffer) this.listener_.onBinary(new Uint8Array(data));
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket_ !== socket) return;
      this.cancelTimer();
      this.detach();
      this.closed(event.code);
    };
    socket.onerror = () => {
      // Always followed by a close event, which decides.
    };
  }

  private closed(code: number): void {
    if (code === kNormalClosure) {
      this.state_ = 'closed';
      this.listener_.onClosed('ended', code);
    } else if (kReconnectCodes.includes(code)) {
      this.dropped(code);
    } else {
      this.state_ = 'closed';
      this.listener_.onClosed('rejected', code);
    }
  }

  private dropped(code: number): void {
    this.attempts_ += 1;
    const limit = this.everOpened_ ? this.policy_.maxAttempts : this.policy_.maxFirstAttempts;
    if (this.attempts_ > limit) {
      this.state_ = 'closed';
      this.listener_.onClosed('gave_up', code);
      return;
    }
    const delay = backoffDelayMs(this.policy_, this.attempts_, this.random_());
    this.state_ = 'waiting';
    this.timer_ = this.clock_.setTimeout(() => {
      this.timer_ = null;
      if (this.state_ === 'waiting') this.connect();
    }, delay);
    this.listener_.onRetrying(this.attempts_, delay);
  }

  private detach(): void {
    const socket = this.socket_;
    if (socket === null) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    this.socket_ = null;
  }

  private cancelTimer(): void {
    if (this.timer_ !== null) this.clock_.clearTimeout(this.timer_);
    this.timer_ = null;
  }
}
