// Quick exit by keyboard (ARCHITECTURE §4): Shift pressed three times, alone, within two seconds.
// Not Escape, which browsers use to stop loading. Typing capitals does not trigger it: any other
// key between two Shift presses starts the count again, and auto-repeat of a held Shift is not a
// press. The loader and the frame each listen in their own document, since key events do not
// cross the frame boundary.

export const kTripleShiftWindowMs = 2000;
export const kTripleShiftPresses = 3;

/** The parts of a KeyboardEvent the detector reads. */
export interface KeyPress {
  readonly key: string;
  readonly repeat: boolean;
  readonly ctrlKey: boolean;
  readonly altKey: boolean;
  readonly metaKey: boolean;
}

/** Counts lone Shift presses; `press` returns true on the one that completes three in the window. */
export class TripleShiftDetector {
  private presses_: number[] = [];

  constructor(private readonly windowMs_ = kTripleShiftWindowMs) {}

  press(event: KeyPress, nowMs: number): boolean {
    if (event.key !== 'Shift' || event.ctrlKey || event.altKey || event.metaKey) {
      this.presses_ = [];
      return false;
    }
    if (event.repeat) return false;
    this.presses_ = this.presses_.filter((at) => nowMs - at <= this.windowMs_);
    this.presses_.push(nowMs);
    if (this.presses_.length < kTripleShiftPresses) return false;
    this.presses_ = [];
    return true;
  }
}

/**
 * Calls `onTriggered` when Shift is pressed three times in `target` (a window), listening in the
 * capture phase so that no handler of the page can swallow the keys first. Returns a remover.
 */
export function listenForTripleShift(target: Window, onTriggered: () => void): () => void {
  const detector = new TripleShiftDetector();
  const listener = (event: KeyboardEvent): void => {
    if (detector.press(event, performance.now())) onTriggered();
  };
  target.addEventListener('keydown', listener, true);
  return () => target.removeEventListener('keydown', listener, true);
}
