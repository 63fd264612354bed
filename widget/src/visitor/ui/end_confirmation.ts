// "End the chat", asked twice: on a phone the button sits right under the message box, and one
// mis-tap must not lose the counselor. The question replaces the button in place, focus moves to
// "keep chatting" (the harmless answer), Esc or that answer puts the button back with focus on it.
//
// Not a modal <dialog> on purpose: a modal makes the rest of the frame inert, quick exit
// included, and quick exit must answer at every moment. So it is a non-modal alertdialog that
// owns focus when it appears.

import { translate, type Language } from '../i18n/catalog';
import { el } from '../../shared/dom';

export function endChatControl(language: Language, onEnd: () => void): HTMLElement {
  const t = (key: Parameters<typeof translate>[1]) => translate(language, key);
  const container = el('div', { class: 'actions end-control' });
  const endButton = el('button', { type: 'button', class: 'button secondary end-chat' }, t('chat.end'));

  const ask = (): void => {
    const keep = el('button', { type: 'button', class: 'button primary', id: 'keep-chatting' }, t('chat.endNo'));
    const confirm = el('button', { type: 'button', class: 'button secondary', id: 'confirm-end' }, t('chat.endYes'));
    const question = el(
      'div',
      { class: 'end-confirm', role: 'alertdialog', 'aria-modal': 'false', 'aria-labelledby': 'end-confirm-title', 'aria-describedby': 'end-confirm-body' },
      el('p', { class: 'end-confirm-title', id: 'end-confirm-title' }, t('chat.endConfirm')),
      el('p', { id: 'end-confirm-body' }, t('chat.endConfirmBody')),
      el('div', { class: 'actions' }, keep, confirm),
    );
    const back = (): void => {
      container.replaceChildren(endButton);
      endButton.focus();
    };
    keep.addEventListener('click', back);
    confirm.addEventListener('click', onEnd);
    question.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        back();
      }
    });
    container.replaceChildren(question);
    keep.focus();
  };
  endButton.addEventListener('click', ask);
  container.append(endButton);
  return container;
}
