// The duty console's entry point (served as /console/ by Haven, under a strict CSP). The sumo
// build of libsodium.js (it has crypto_pwhash, needed for the passphrase) is a separate chunk,
// fetched from Haven while the login screen is shown.

import type { Sodium } from '../e2e/index';
import { kBrowserClock } from '../shared/clock';
import { isLanguage } from '../shared/i18n';
import { ConsoleApi } from './api';
import { ConsoleApp, isLoginNotice } from './app';

let sodium: Promise<Sodium> | null = null;

function loadSodium(): Promise<Sodium> {
  sodium ??= import('libsodium-wrappers-sumo').then(
    async (module) => {
      await module.default.ready;
      return module.default as unknown as Sodium;
    },
    (error: unknown) => {
      sodium = null;
      throw error;
    },
  );
  return sodium;
}

const query = new URLSearchParams(window.location.search);
const ended = query.get('ended');
const lang = query.get('lang');
const socketUrl = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}/ws/counselor`;

new ConsoleApp(
  {
    window,
    api: new ConsoleApi((input, init) => window.fetch(input, init)),
    socketUrl,
    createSocket: (url) => new WebSocket(url),
    loadSodium,
    clock: kBrowserClock,
    restart: (reason) => {
      const next = new URLSearchParams({ ended: reason, lang: document.documentElement.lang });
      window.location.replace(`${window.location.pathname}?${next.toString()}`);
    },
  },
  isLoginNotice(ended) ? ended : null,
  isLanguage(lang) ? lang : 'bg',
).start();
