// The postMessage protocol between the loader (on the partner page) and the visitor frame (on
// Haven's origin). It carries UI signals only — never plaintext, keys, ciphertext or anything
// the visitor typed — so a message sent to the wrong window would reveal nothing; still, both
// sides name the exact target origin when sending and check origin and source on receipt.
//
//   message = {"ns":"haven", "v":1, "type":TYPE}          no other fields
//   loader → frame: "open"   the panel was shown (the frame moves focus into itself)
//                   "exit"   quick exit was triggered on the partner page: wipe now
//   frame → loader: "ready"  the frame is running and listening
//                   "close"  the visitor hid the panel (the chat goes on in the background)
//                   "exit"   quick exit inside the frame: it has wiped itself; remove it and
//                            navigate the top page away

export const kBridgeNamespace = 'haven';
export const kBridgeVersion = 1;

export type LoaderToFrame = 'open' | 'exit';
export type FrameToLoader = 'ready' | 'close' | 'exit';
export type BridgeType = LoaderToFrame | FrameToLoader;

const kTypes: readonly BridgeType[] = ['open', 'exit', 'ready', 'close'];

export interface BridgeMessage {
  readonly ns: typeof kBridgeNamespace;
  readonly v: typeof kBridgeVersion;
  readonly type: BridgeType;
}

export function bridgeMessage(type: BridgeType): BridgeMessage {
  return { ns: kBridgeNamespace, v: kBridgeVersion, type };
}

/**
 * The bridge type of `data` if it is exactly a Haven bridge message of one of `allowed` (no
 * extra fields, so nothing else can ride along), else null.
 */
export function parseBridgeMessage<T extends BridgeType>(data: unknown, allowed: readonly T[]): T | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const record = data as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 3 || record['ns'] !== kBridgeNamespace || record['v'] !== kBridgeVersion) return null;
  const type = record['type'];
  if (typeof type !== 'string' || !kTypes.includes(type as BridgeType)) return null;
  return allowed.includes(type as T) ? (type as T) : null;
}

/** `value` if it is a serialised origin ("https://host[:port]"), else null. */
export function parseOrigin(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.origin === value ? value : null;
  } catch {
    return null;
  }
}
