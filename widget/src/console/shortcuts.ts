// Keyboard shortcuts of the duty console. Matched on the physical key (`KeyboardEvent.code`),
// so they work the same with the Bulgarian (Cyrillic) and the English layout, and always with
// Alt alone: Ctrl and Meta combinations belong to the browser and the system. Alt+F, Alt+D and
// Alt+Left/Right, which browsers use for menus, the address bar and history, are avoided.

export type ShortcutAction =
  | { readonly kind: 'take_next' }
  | { readonly kind: 'tab'; readonly index: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'transfer' }
  | { readonly kind: 'accept' }
  | { readonly kind: 'decline' }
  | { readonly kind: 'canned' }
  | { readonly kind: 'composer' }
  | { readonly kind: 'away' }
  | { readonly kind: 'help' };

export interface KeyLike {
  readonly code: string;
  readonly key: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
}

const kLetters: Readonly<Record<string, ShortcutAction>> = {
  KeyN: { kind: 'take_next' },
  KeyE: { kind: 'end' },
  KeyT: { kind: 'transfer' },
  KeyA: { kind: 'accept' },
  KeyX: { kind: 'decline' },
  KeyR: { kind: 'canned' },
  KeyM: { kind: 'composer' },
  KeyP: { kind: 'away' },
  KeyK: { kind: 'help' },
};

/**
 * The action for a key press, or null. `inTextField`: focus is in a text input, where a plain
 * "?" is text and not the help shortcut.
 */
export function shortcutFor(event: KeyLike, inTextField: boolean): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey) return null;
  if (!event.altKey) {
    return !inTextField && event.key === '?' ? { kind: 'help' } : null;
  }
  if (event.shiftKey) return null;
  const digit = /^Digit([1-9])$/.exec(event.code);
  if (digit) return { kind: 'tab', index: Number(digit[1]) - 1 };
  return kLetters[event.code] ?? null;
}

/** The help overlay's rows: the keys as shown, and the catalog key of what they do. */
export const kShortcutHelp = [
  { keys: 'Alt+N', action: 'help.takeNext' },
  { keys: 'Alt+A', action: 'help.accept' },
  { keys: 'Alt+X', action: 'help.decline' },
  { keys: 'Alt+1 … Alt+9', action: 'help.tab' },
  { keys: 'Alt+M', action: 'help.composer' },
  { keys: 'Alt+R', action: 'help.canned' },
  { keys: 'Alt+T', action: 'help.transfer' },
  { keys: 'Alt+E', action: 'help.end' },
  { keys: 'Alt+P', action: 'help.away' },
  { keys: 'Alt+K, ?', action: 'help.help' },
  { keys: 'Enter', action: 'help.send' },
  { keys: 'Shift+Enter', action: 'help.newline' },
  { keys: 'Esc', action: 'help.close' },
] as const;
