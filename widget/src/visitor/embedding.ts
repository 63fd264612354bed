// How the frame was embedded: the loader puts the organisation's fingerprint, the partner page's
// origin and the language in the fragment (never sent to any server), and the frame talks back
// to the loader only through the bridge (src/shared/bridge.ts), with that exact origin.

import { bridgeMessage, parseBridgeMessage, parseOrigin, type FrameToLoader, type LoaderToFrame } from '../shared/bridge';
import { isLanguage, kDefaultLanguage, type Language } from './i18n/catalog';

export interface Embedding {
  /** 32 lowercase hex digits, or null when missing or malformed (the chat then fails closed). */
  readonly fingerprint: string | null;
  /** The partner page's origin, or null when the frame is not embedded by the loader. */
  readonly parentOrigin: string | null;
  readonly language: Language;
}

export function readEmbedding(hash: string): Embedding {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const fingerprint = params.get('org');
  const language = params.get('lang');
  return {
    fingerprint: fingerprint !== null && /^[0-9a-f]{32}$/.test(fingerprint) ? fingerprint : null,
    parentOrigin: parseOrigin(params.get('parent')),
    language: isLanguage(language) ? language : kDefaultLanguage,
  };
}

/** The frame's end of the bridge. */
export class ParentBridge {
  constructor(
    private readonly window_: Window,
    private readonly parentOrigin_: string,
    onMessage: (type: LoaderToFrame) => void,
  ) {
    window_.addEventListener('message', (event: MessageEvent) => {
      if (event.origin !== parentOrigin_ || event.source !== window_.parent) return;
      const type = parseBridgeMessage(event.data, ['open', 'exit'] as const);
      if (type !== null) onMessage(type);
    });
  }

  post(type: FrameToLoader): void {
    this.window_.parent.postMessage(bridgeMessage(type), this.parentOrigin_);
  }
}

/** A bridge when the frame is really inside the loader's page, else null (opened on its own). */
export function connectBridge(window: Window, embedding: Embedding, onMessage: (type: LoaderToFrame) => void): ParentBridge | null {
  if (embedding.parentOrigin === null || window.parent === window) return null;
  return new ParentBridge(window, embedding.parentOrigin, onMessage);
}
