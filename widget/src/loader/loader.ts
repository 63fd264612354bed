// The loader: the one script a partner site embeds.
//
//   <script src="https://HAVEN/assets/loader.<hash>.js" integrity="sha384-…" crossorigin="anonymous"
//           data-org-fingerprint="<32 hex digits>" data-lang="bg" data-exit-url="https://…"
//           data-tab-title="…" async></script>
//
// It draws a launcher button and, when opened, a sandboxed iframe served by Haven, whose origin
// it takes from its own src. It never sees the chat: the frame is cross-origin, and the bridge
// (src/shared/bridge.ts) carries UI signals only. It owns the top-level quick exit, because the
// sandboxed frame may not navigate the top page: on "exit" from the frame, or Shift pressed three
// times on this page, it covers the whole page with an opaque neutral layer and gives the tab a
// neutral title and a blank icon in the same task (so the next frame painted shows nothing of
// the partner's page, however slowly the exit site loads), removes the frame and calls
// location.replace(exit URL), so the chat adds no history entry and the back button does not
// return to it.
//
// Styles live in a shadow root (no clash with the partner's CSS) and are adopted as a
// constructed stylesheet, which a partner CSP without 'unsafe-inline' still allows.

import { bridgeMessage, parseBridgeMessage, type LoaderToFrame } from '../shared/bridge';
import { listenForTripleShift } from '../shared/triple_shift';
import { kLoaderStrings, type LoaderLanguage } from './strings';

const kDefaultExitUrl = 'https://www.wikipedia.org/';
const kFramePath = '/widget/frame.html';
/** A host-triggered exit gives the frame this long to say goodbye to the server. */
const kExitGraceMs = 50;

const kCss = `
:host{all:initial}
.launcher{position:fixed;right:16px;bottom:16px;z-index:2147483646;min-height:48px;padding:12px 20px;
border:2px solid #fff;border-radius:24px;background:#24477a;color:#fff;font:600 16px/1.25 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}
.launcher:hover{background:#1b365e}
.launcher:focus-visible{outline:3px solid #111;outline-offset:2px}
.launcher[hidden],.panel[hidden]{display:none}
.panel{position:fixed;right:16px;bottom:16px;z-index:2147483647;width:400px;height:min(640px,calc(100vh - 32px));
max-width:calc(100vw - 32px);border:0;border-radius:12px;overflow:hidden;background:#fff;box-shadow:0 4px 24px rgba(0,0,0,.35)}
.panel iframe{display:block;width:100%;height:100%;border:0}
.cover{position:fixed;inset:0;z-index:2147483647;background:#fff;visibility:visible}
@media (max-width:480px),(max-height:520px){.panel{inset:0;width:100%;height:100%;max-width:none;border-radius:0}}
`;

interface Settings {
  readonly havenOrigin: string;
  readonly fingerprint: string;
  readonly language: LoaderLanguage;
  readonly exitUrl: string;
  readonly tabTitle: string | null;
}

function readSettings(script: HTMLScriptElement): Settings | null {
  const fingerprint = script.dataset['orgFingerprint'] ?? '';
  if (!/^[0-9a-f]{32}$/.test(fingerprint)) {
    console.error('Haven: data-org-fingerprint must be the 32 hex digits of the organisation key fingerprint');
    return null;
  }
  let exitUrl = kDefaultExitUrl;
  try {
    const url = new URL(script.dataset['exitUrl'] ?? kDefaultExitUrl);
    if (url.protocol === 'https:' || url.protocol === 'http:') exitUrl = url.href;
  } catch {
    // keep the default
  }
  return {
    havenOrigin: new URL(script.src).origin,
    fingerprint,
    language: script.dataset['lang'] === 'en' ? 'en' : 'bg',
    exitUrl,
    tabTitle: script.dataset['tabTitle'] || null,
  };
}

function start(settings: Settings): void {
  const strings = kLoaderStrings[settings.language];
  const host = document.createElement('div');
  const root = host.attachShadow({ mode: 'open' });
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(kCss);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = kCss;
    root.append(style);
  }

  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.textContent = strings.launcher;
  const panel = document.createElement('div');
  panel.className = 'panel';
  panel.hidden = true;
  root.append(launcher, panel);
  document.body.append(host);

  let frame: HTMLIFrameElement | null = null;
  let exiting = false;

  const post = (type: LoaderToFrame): void => {
    frame?.contentWindow?.postMessage(bridgeMessage(type), settings.havenOrigin);
  };

  const leave = (): void => {
    frame?.remove();
    frame = null;
    window.location.replace(settings.exitUrl);
  };

  // Whatever the exit site's speed, from the next painted frame on nothing of this page shows:
  // everything but the cover is hidden (a partner element stacked above ours included), the
  // tab is named after the exit site's host and shows a blank icon.
  const cover = (): void => {
    const layer = document.createElement('div');
    layer.className = 'cover';
    panel.hidden = true;
    launcher.hidden = true;
    root.append(layer);
    document.documentElement.style.setProperty('visibility', 'hidden', 'important');
    document.title = new URL(settings.exitUrl).hostname;
    document.querySelectorAll('link[rel~="icon"]').forEach((icon) => icon.remove());
    const blank = document.createElement('link');
    blank.rel = 'icon';
    blank.href = 'data:,';
    document.head?.append(blank);
  };

  const exit = (fromFrame: boolean): void => {
    if (exiting) return;
    exiting = true;
    cover();
    if (fromFrame || frame === null) {
      leave();
      return;
    }
    post('exit');
    window.setTimeout(leave, kExitGraceMs);
  };

  // Full screen (a phone, or a desktop at 200% zoom) the panel hides the partner's page, so it
  // is modal: everything else on the page is inert while it shows, and Tab cycles through the
  // frame (whose first stop is quick exit) instead of reaching links nobody can see.
  const fullScreen = window.matchMedia('(max-width:480px),(max-height:520px)');
  const madeInert: Element[] = [];
  const updateModality = (): void => {
    const modal = !panel.hidden && fullScreen.matches;
    if (modal && madeInert.length === 0) {
      for (const element of Array.from(document.body.children)) {
        if (element === host || element.hasAttribute('inert')) continue;
        element.setAttribute('inert', '');
        madeInert.push(element);
      }
    } else if (!modal) {
      for (const element of madeInert.splice(0)) element.removeAttribute('inert');
    }
    if (modal) {
      panel.setAttribute('role', 'dialog');
      panel.setAttribute('aria-modal', 'true');
      panel.setAttribute('aria-label', strings.frameTitle);
    } else {
      panel.removeAttribute('role');
      panel.removeAttribute('aria-modal');
      panel.removeAttribute('aria-label');
    }
  };
  fullScreen.addEventListener('change', updateModality);

  const open = (): void => {
    if (frame === null) {
      frame = document.createElement('iframe');
      frame.title = strings.frameTitle;
      frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms');
      frame.setAttribute('allow', '');
      frame.referrerPolicy = 'no-referrer';
      const parent = encodeURIComponent(window.location.origin);
      frame.src = `${settings.havenOrigin}${kFramePath}#org=${settings.fingerprint}&parent=${parent}&lang=${settings.language}`;
      panel.append(frame);
    } else {
      post('open');
    }
    if (settings.tabTitle !== null) document.title = settings.tabTitle;
    launcher.hidden = true;
    panel.hidden = false;
    updateModality();
    frame.focus();
  };

  const close = (): void => {
    panel.hidden = true;
    updateModality();
    launcher.hidden = false;
    launcher.focus();
  };

  launcher.addEventListener('click', open);
  window.addEventListener('message', (event: MessageEvent) => {
    if (frame === null || event.origin !== settings.havenOrigin || event.source !== frame.contentWindow) return;
    const type = parseBridgeMessage(event.data, ['ready', 'close', 'exit'] as const);
    if (type === 'exit') exit(true);
    else if (type === 'close') close();
    else if (type === 'ready' && !panel.hidden) post('open');
  });
  listenForTripleShift(window, () => exit(false));
}

const script = document.currentScript;
if (script instanceof HTMLScriptElement) {
  const settings = readSettings(script);
  if (settings !== null) {
    if (document.body) start(settings);
    else document.addEventListener('DOMContentLoaded', () => start(settings), { once: true });
  }
}
