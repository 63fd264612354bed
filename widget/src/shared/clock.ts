// Time as the visitor modules see it: injected, so that the connection, delivery and queue
// logic run under a fake clock in unit tests.

export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch (certificate validity, message timestamps). */
  nowMs(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const kBrowserClock: Clock = {
  nowMs: () => Date.now(),
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};
