// Form pieces for the console's screens: a labelled field with its hint and error wired up for
// screen readers (aria-describedby, aria-invalid), and a status line. DOM only; text goes in as
// text nodes.

import { el } from '../../shared/dom';

let nextId = 1;

/** A unique id for label/hint wiring. */
export function uid(prefix: string): string {
  return `${prefix}-${nextId++}`;
}

export interface Field {
  readonly root: HTMLElement;
  readonly input: HTMLInputElement;
  /** Shows `text` as the field's error (null clears it) and marks the input invalid. */
  setError(text: string | null): void;
}

export interface FieldOptions {
  readonly label: string;
  readonly name: string;
  readonly type?: string;
  readonly hint?: string;
  readonly autocomplete?: string;
  readonly inputmode?: string;
  readonly value?: string;
  readonly required?: boolean;
  readonly maxlength?: number;
  readonly spellcheck?: boolean;
}

export function field(options: FieldOptions): Field {
  const id = uid(options.name);
  const hintId = options.hint === undefined ? null : `${id}-hint`;
  const errorId = `${id}-error`;
  const input = el('input', {
    id,
    name: options.name,
    type: options.type ?? 'text',
    autocomplete: options.autocomplete ?? 'off',
    inputmode: options.inputmode,
    required: options.required ?? true,
    maxlength: options.maxlength,
    spellcheck: options.spellcheck === undefined ? null : String(options.spellcheck),
    autocapitalize: 'off',
    'aria-describedby': hintId ?? null,
  });
  if (options.value !== undefined) input.value = options.value;
  const error = el('p', { class: 'field-error', id: errorId, hidden: true });
  const root = el(
    'div',
    { class: 'field' },
    el('label', { for: id }, options.label),
    hintId === null ? null : el('p', { class: 'hint', id: hintId }, options.hint),
    input,
    error,
  );
  return {
    root,
    input,
    setError(text) {
      error.hidden = text === null;
      error.textContent = text ?? '';
      if (text === null) {
        input.removeAttribute('aria-invalid');
        input.setAttribute('aria-describedby', hintId ?? '');
        if (hintId === null) input.removeAttribute('aria-describedby');
      } else {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
      }
    },
  };
}

/** A region for a form's outcome: role=alert for errors, status for progress. */
export function statusLine(): { readonly root: HTMLElement; show(kind: 'error' | 'progress' | 'info' | null, text?: string): void } {
  const root = el('div', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  return {
    root,
    show(kind, text = '') {
      root.className = `form-status${kind === null ? '' : ` ${kind}`}`;
      root.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      root.textContent = kind === null ? '' : text;
    },
  };
}

export function button(text: string, attributes: Record<string, string | boolean | null> = {}, onClick?: () => void): HTMLButtonElement {
  const element = el('button', { type: 'button', class: 'button', ...attributes }, text);
  if (onClick !== undefined) element.addEventListener('click', onClick);
  return element;
}
