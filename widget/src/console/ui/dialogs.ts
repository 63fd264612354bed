// Modal dialogs on the native <dialog> element (focus is kept inside, Esc closes, focus returns
// to where it was): keyboard shortcuts, ending a chat, choosing a colleague for a transfer, and
// the idle warning.

import { append, el } from '../../shared/dom';
import type { ConsoleState } from '../console_client';
import { t, type Language } from '../i18n/catalog';
import { kShortcutHelp } from '../shortcuts';
import { formatFingerprint } from '../../e2e/fingerprint';
import { kHandoverTextMaxBytes } from '../../e2e/handover';
import { button, uid } from './forms';

export interface Modal {
  readonly dialog: HTMLDialogElement;
  readonly body: HTMLElement;
  close(): void;
}

/** Opens a modal with `heading`; `onClose` runs however it closes. */
export function openModal(host: HTMLElement, heading: string, className: string, onClose: () => void = () => {}): Modal {
  const headingId = uid('dialog');
  const body = el('div', { class: 'dialog-body' });
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const dialog = el('dialog', { class: `modal ${className}`, 'aria-labelledby': headingId }, el('h2', { id: headingId }, heading), body);
  host.append(dialog);
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose();
    if (returnTo?.isConnected) returnTo.focus();
  });
  dialog.showModal();
  return {
    dialog,
    body,
    close: () => {
      if (dialog.open) dialog.close();
    },
  };
}

export function showHelp(host: HTMLElement, language: Language, fingerprint: string | null): Modal {
  const modal = openModal(host, t(language, 'help.heading'), 'help');
  append(
    modal.body,
    el(
      'table',
      { class: 'shortcuts' },
      el('tbody', {}, ...kShortcutHelp.map((row) => el('tr', {}, el('th', { scope: 'row' }, el('kbd', {}, row.keys)), el('td', {}, t(language, row.action))))),
    ),
    fingerprint === null ? null : el('p', { class: 'hint fingerprint' }, t(language, 'help.fingerprint', { fingerprint: formatFingerprint(fingerprint) })),
    el('div', { class: 'actions' }, button(t(language, 'chat.close'), { class: 'button primary' }, () => modal.close())),
  );
  modal.body.querySelector<HTMLButtonElement>('button')?.focus();
  return modal;
}

export function confirmEnd(host: HTMLElement, language: Language, number: number, onConfirm: () => void): Modal {
  const modal = openModal(host, t(language, 'chats.tab', { number }), 'confirm');
  const yes = button(t(language, 'chat.endYes'), { class: 'button danger', id: 'confirm-end' }, () => {
    modal.close();
    onConfirm();
  });
  modal.body.append(el('p', {}, t(language, 'chat.endConfirm')), el('div', { class: 'actions' }, yes, button(t(language, 'chat.cancel'), { class: 'button' }, () => modal.close())));
  yes.focus();
  return modal;
}

/** The transfer dialog; `update` redraws its list when the colleagues arrive. */
export function transferDialog(
  host: HTMLElement,
  language: Language,
  number: number,
  onChoose: (handle: string, note: string) => boolean,
): { readonly modal: Modal; update(state: ConsoleState): void } {
  const modal = openModal(host, t(language, 'transfer.heading', { number }), 'transfer');
  const list = el('div', { class: 'colleagues', 'aria-live': 'polite' }, el('p', {}, t(language, 'transfer.loading')));
  const noteId = uid('handover');
  const noteHintId = uid('handover-hint');
  const note = el('textarea', { id: noteId, class: 'handover-note', rows: 3, 'aria-describedby': noteHintId });
  const noteError = el('p', { class: 'field-error', role: 'alert', hidden: true });
  modal.body.append(
    el('p', { class: 'hint' }, t(language, 'transfer.intro')),
    el('div', { class: 'field' }, el('label', { for: noteId }, t(language, 'transfer.noteLabel')), note, el('p', { class: 'hint', id: noteHintId }, t(language, 'transfer.noteHint')), noteError),
    list,
    el('div', { class: 'actions' }, button(t(language, 'chat.cancel'), { class: 'button' }, () => modal.close())),
  );
  let shown: ConsoleState['colleagues'] = null;
  return {
    modal,
    update(state) {
      if (state.colleagues === shown || state.colleagues === null) return;
      shown = state.colleagues;
      if (shown.length === 0) {
        list.replaceChildren(el('p', {}, t(language, 'transfer.none')));
        return;
      }
      list.replaceChildren(
        el(
          'ul',
          {},
          ...shown.map((colleague) => {
            const usable = colleague.verified !== null && colleague.available;
            const name = colleague.verified?.name ?? colleague.name;
            const status = colleague.verified === null ? t(language, 'transfer.unverified') : t(language, colleague.available ? 'transfer.free' : 'transfer.busy');
            return el(
              'li',
              {},
              button(t(language, 'transfer.to', { name }), { class: 'button colleague', disabled: !usable, 'data-handle': colleague.handle }, () => {
                if (new TextEncoder().encode(note.value.trim()).length > kHandoverTextMaxBytes) {
                  noteError.textContent = t(language, 'transfer.noteTooLong');
                  noteError.hidden = false;
                  note.focus();
                  return;
                }
                if (onChoose(colleague.handle, note.value)) modal.close();
              }),
              el('span', { class: 'meta' }, ` ${colleague.handle} · ${status}`),
            );
          }),
        ),
      );
      list.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
    },
  };
}

export function idleDialog(host: HTMLElement, language: Language, onStay: () => void): { readonly modal: Modal; set(secondsLeft: number): void } {
  const modal = openModal(host, t(language, 'idle.heading'), 'idle', onStay);
  const text = el('p', { role: 'timer', 'aria-live': 'off' });
  modal.body.append(text, el('div', { class: 'actions' }, button(t(language, 'idle.stay'), { class: 'button primary' }, () => modal.close())));
  modal.body.querySelector<HTMLButtonElement>('button')?.focus();
  return {
    modal,
    set(secondsLeft) {
      text.textContent = t(language, 'idle.body', { count: secondsLeft });
    },
  };
}
