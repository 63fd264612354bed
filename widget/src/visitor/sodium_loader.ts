// libsodium.js (the standard build, ≈150 KB gzip with its wasm) is a separate chunk, fetched from
// Haven only when the visitor heads for a chat, so the first screens appear without it.

import type { Sodium } from '../e2e/index';

let loading: Promise<Sodium> | null = null;

/** The ready libsodium instance; the chunk is fetched once. A failed fetch can be retried. */
export function loadSodium(): Promise<Sodium> {
  loading ??= import('libsodium-wrappers').then(
    async (module) => {
      await module.default.ready;
      return module.default;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
