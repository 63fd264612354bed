// The screens before a counselor is logged in: log in, and enrolment in three steps (the
// one-time code; the authenticator QR code, passphrase and first TOTP code; done). They only
// collect input and show outcomes; app.ts runs the key derivation and the API calls.

import { el } from '../../shared/dom';
import { normaliseTotp } from '../account_keys';
import { t, type Language } from '../i18n/catalog';
import { button, field, statusLine } from './forms';

export interface FormScreen {
  readonly root: HTMLElement;
  /** Disables the form and shows progress (`text`), or re-enables it. */
  busy(text: string | null): void;
  error(text: string): void;
  focusFirst(): void;
}

function screen(language: Language, heading: string, ...children: (Node | null)[]): HTMLElement {
  return el('section', { class: 'auth-screen', lang: language }, el('h1', { class: 'screen-heading', tabindex: '-1' }, heading), ...children);
}

function formScreen(form: HTMLFormElement, root: HTMLElement, status: ReturnType<typeof statusLine>, firstInput: HTMLInputElement): FormScreen {
  return {
    root,
    busy(text) {
      for (const control of Array.from(form.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button'))) control.disabled = text !== null;
      form.setAttribute('aria-busy', String(text !== null));
      status.show(text === null ? null : 'progress', text ?? '');
    },
    error(text) {
      status.show('error', text);
    },
    focusFirst() {
      firstInput.focus();
    },
  };
}

export interface LoginInput {
  readonly handle: string;
  readonly passphrase: string;
  readonly totp: string;
}

export function loginView(language: Language, notice: string | null, onSubmit: (input: LoginInput) => void, onEnrol: () => void): FormScreen {
  const handle = field({ label: t(language, 'login.handle'), name: 'handle', hint: t(language, 'login.handleHint'), autocomplete: 'username', maxlength: 32, spellcheck: false });
  const passphrase = field({ label: t(language, 'login.passphrase'), name: 'passphrase', type: 'password', autocomplete: 'current-password' });
  const totp = field({ label: t(language, 'login.totp'), name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 7 });
  const status = statusLine();
  const submit = el('button', { type: 'submit', class: 'button primary' }, t(language, 'login.submit'));
  const form = el('form', { class: 'auth-form', novalidate: true, id: 'login-form' }, handle.root, passphrase.root, totp.root, submit, status.root);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    handle.setError(null);
    totp.setError(null);
    // Empty is allowed: a server without TOTP (the demo) asks for no code.
    const code = totp.input.value.trim() === '' ? '' : normaliseTotp(totp.input.value);
    if (handle.input.value.trim() === '' || passphrase.input.value === '') {
      status.show('error', t(language, 'form.missing'));
      return;
    }
    if (code === null) {
      totp.setError(t(language, 'form.badTotp'));
      totp.input.focus();
      return;
    }
    const input = { handle: handle.input.value.trim().toLowerCase(), passphrase: passphrase.input.value, totp: code };
    // The passphrase leaves the DOM as soon as it has been read.
    passphrase.input.value = '';
    totp.input.value = '';
    onSubmit(input);
  });
  const root = screen(
    language,
    t(language, 'login.heading'),
    notice === null ? null : el('p', { class: 'notice', role: 'status' }, notice),
    el('p', {}, t(language, 'login.intro')),
    form,
    el('p', { class: 'aside' }, button(t(language, 'login.enrol'), { class: 'link', id: 'to-enrol' }, onEnrol)),
  );
  return formScreen(form, root, status, handle.input);
}

export function enrolCodeView(language: Language, onSubmit: (handle: string, code: string) => void, onBack: () => void): FormScreen {
  const handle = field({ label: t(language, 'login.handle'), name: 'handle', hint: t(language, 'login.handleHint'), autocomplete: 'username', maxlength: 32, spellcheck: false });
  const code = field({ label: t(language, 'enrol.code'), name: 'code', hint: t(language, 'enrol.codeHint'), maxlength: 64, spellcheck: false });
  const status = statusLine();
  const form = el('form', { class: 'auth-form', novalidate: true, id: 'enrol-form' }, handle.root, code.root, el('button', { type: 'submit', class: 'button primary' }, t(language, 'enrol.continue')), status.root);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (handle.input.value.trim() === '' || code.input.value.trim() === '') {
      status.show('error', t(language, 'form.missing'));
      return;
    }
    onSubmit(handle.input.value.trim().toLowerCase(), code.input.value.trim());
  });
  const root = screen(
    language,
    t(language, 'enrol.heading'),
    el('p', {}, t(language, 'enrol.intro')),
    form,
    el('p', { class: 'aside' }, button(t(language, 'enrol.back'), { class: 'link' }, onBack)),
  );
  return formScreen(form, root, status, handle.input);
}

export interface EnrolSetupInput {
  readonly passphrase: string;
  readonly repeated: string;
  readonly totp: string;
}

export interface EnrolSetupScreen extends FormScreen {
  passphraseError(text: string | null): void;
}

/** Groups a base32 secret in fours, for typing it into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

export function enrolSetupView(
  language: Language,
  displayName: string,
  /** The QR code of the otpauth URI (ui/qr.ts, loaded only for enrolment). */
  qr: SVGSVGElement,
  totpSecret: string,
  onSubmit: (input: EnrolSetupInput) => void,
): EnrolSetupScreen {
  const passphrase = field({ label: t(language, 'enrol.passphrase'), name: 'new-passphrase', type: 'password', autocomplete: 'new-password' });
  const repeated = field({ label: t(language, 'enrol.repeat'), name: 'repeat-passphrase', type: 'password', autocomplete: 'new-password' });
  const totp = field({ label: t(language, 'enrol.totp'), name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 7 });
  const status = statusLine();
  const form = el(
    'form',
    { class: 'auth-form', novalidate: true, id: 'enrol-setup-form' },
    el('h2', {}, t(language, 'enrol.passphraseHeading')),
    el('p', { class: 'hint' }, t(language, 'enrol.passphraseIntro')),
    passphrase.root,
    repeated.root,
    el('h2', {}, t(language, 'enrol.confirmHeading')),
    totp.root,
    el('button', { type: 'submit', class: 'button primary' }, t(language, 'enrol.finish')),
    status.root,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    totp.setError(null);
    // Empty is allowed: a server without TOTP (the demo) asks for no code.
    const code = totp.input.value.trim() === '' ? '' : normaliseTotp(totp.input.value);
    if (code === null) {
      totp.setError(t(language, 'form.badTotp'));
      totp.input.focus();
      return;
    }
    onSubmit({ passphrase: passphrase.input.value, repeated: repeated.input.value, totp: code });
  });
  const root = screen(
    language,
    t(language, 'enrol.setupHeading'),
    el('p', {}, t(language, 'enrol.welcome', { name: displayName })),
    el(
      'div',
      { class: 'totp-setup' },
      el('h2', {}, t(language, 'enrol.totpHeading')),
      el('p', { class: 'hint' }, t(language, 'enrol.totpIntro')),
      el('div', { class: 'qr-frame' }, qr),
      el('p', { class: 'hint' }, t(language, 'enrol.secret')),
      el('p', { class: 'secret', id: 'totp-secret', translate: 'no' }, groupSecret(totpSecret)),
    ),
    form,
  );
  const base = formScreen(form, root, status, passphrase.input);
  return {
    ...base,
    passphraseError(text) {
      passphrase.setError(text);
      if (text !== null) passphrase.input.focus();
    },
    busy(text) {
      base.busy(text);
      if (text === null) {
        passphrase.input.value = '';
        repeated.input.value = '';
        totp.input.value = '';
      }
    },
  };
}

export function enrolDoneView(language: Language, onLogin: () => void): HTMLElement {
  return screen(
    language,
    t(language, 'enrol.doneHeading'),
    el('p', { role: 'status' }, t(language, 'enrol.done')),
    el('p', {}, button(t(language, 'enrol.toLogin'), { class: 'button primary', id: 'to-login' }, onLogin)),
  );
}
