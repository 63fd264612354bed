// Logs the counselor out after a quiet spell (an unattended console on a shared office desk is
// an open door to every conversation on it). Activity is whatever the page reports: key presses,
// pointer use. Before the timeout a warning counts down each second, so the counselor can stay.
//
//   active ──(timeout − warning of quiet)──▶ warning(secondsLeft…) ──(warning)──▶ timed out
//      ▲                                        │ activity
//      └────────────────────────────────────────┘
//
// Time comes from the injected clock; no DOM here.

import type { Clock, TimerHandle } from '../shared/clock';

/** Default: 15 minutes without a key press or pointer use, the last minute counted down. */
export const kDefaultIdleTimeoutMs = 15 * 60_000;
export const kDefaultIdleWarningMs = 60_000;

export interface IdleListener {
  /** The countdown: seconds left before logout (called once a second). */
  onWarning(secondsLeft: number): void;
  /** Activity during the warning: the countdown stopped. */
  onResumed(): void;
  onTimeout(): void;
}

export class IdleTimer {
  private timer_: TimerHandle | null = null;
  private lastActivityMs_ = 0;
  private warning_ = false;
  private running_ = false;

  constructor(
    private readonly clock_: Clock,
    private readonly listener_: IdleListener,
    private readonly timeoutMs_ = kDefaultIdleTimeoutMs,
    private readonly warningMs_ = kDefaultIdleWarningMs,
  ) {}

  get warning(): boolean {
    return this.warning_;
  }

  start(): void {
    this.running_ = true;
    this.lastActivityMs_ = this.clock_.nowMs();
    this.schedule();
  }

  /** The counselor did something. Cheap enough to call on every key press. */
  activity(): void {
    if (!this.running_) return;
    this.lastActivityMs_ = this.clock_.nowMs();
    if (this.warning_) {
      this.warning_ = false;
      this.listener_.onResumed();
      this.schedule();
    }
  }

  stop(): void {
    this.running_ = false;
    this.warning_ = false;
    this.cancel();
  }

  private schedule(): void {
    this.cancel();
    if (!this.running_) return;
    const quietMs = this.clock_.nowMs() - this.lastActivityMs_;
    const leftMs = this.timeoutMs_ - quietMs;
    if (leftMs <= 0) {
      this.stop();
      this.listener_.onTimeout();
      return;
    }
    if (leftMs > this.warningMs_) {
      // Not yet: look again when the warning would start (activity in between only moves the mark).
      this.timer_ = this.clock_.setTimeout(() => this.schedule(), leftMs - this.warningMs_);
      return;
    }
    this.warning_ = true;
    this.listener_.onWarning(Math.ceil(leftMs / 1000));
    this.timer_ = this.clock_.setTimeout(() => this.schedule(), Math.min(1000, leftMs));
  }

  private cancel(): void {
    if (this.timer_ !== null) this.clock_.clearTimeout(this.timer_);
    this.timer_ = null;
  }
}
