// The visitor's half of a transfer (protocol.md §8): turning the current counselor's `transfer`
// message into the one certificate the next leg's accept must carry (§5.3 step 3).
//
// The server cannot pick the next counselor: the authorisation travels inside the current
// counselor's encrypted c2v stream, and the next leg's accept is refused unless its counselor
// certificate is byte-for-byte the authorised one.

import type { Certificate } from './certificate';
import { verifyChain, type IgnoredRevocationList } from './chain';
import { fail, ok, type Result } from './errors';
import type { Message } from './message';
import type { Sodium } from './sodium';

export interface TransferContext {
  /** The leg whose c2v stream delivered the transfer message. */
  readonly currentLeg: number;
  /** The signing certificate S that came with the current leg's accept. */
  readonly signingCertificate: Uint8Array;
  readonly rootPublicKey: Uint8Array;
  readonly revocationLists: readonly Uint8Array[];
  readonly nowSeconds: number;
}

/** authorised[leg] = certificate: pass `certificate` as VisitorTrust.authorisedCertificate. */
export interface TransferAuthorisation {
  readonly leg: number;
  readonly certificate: Uint8Array;
  /** Show the visitor who is joining (§8 step 2). */
  readonly counselor: Certificate;
  readonly ignoredRevocationLists: readonly IgnoredRevocationList[];
}

/**
 * Checks a received `transfer` message (§8 step 2): it must name leg currentLeg + 1
 * (`bad_message` otherwise) and its certificate must pass the chain check with the current S
 * (any §3.4 code otherwise). Returns what the visitor records as authorised for the next leg.
 */
export function authoriseTransfer(sodium: Sodium, message: Message, context: TransferContext): Result<TransferAuthorisation> {
  if (message.kind !== 'transfer') return fail('bad_message', 'not a transfer message');
  if (message.nextLeg !== context.currentLeg + 1) return fail('bad_message', 'transfer must name the next leg');
  const chain = verifyChain(sodium, {
    rootPublicKey: context.rootPublicKey,
    signingCertificate: context.signingCertificate,
    counselorCertificate: message.certificate,
    revocationLists: context.revocationLists,
    now: BigInt(Math.floor(context.nowSeconds)),
  });
  if (!chain.ok) return chain;
  return ok({
    leg: message.nextLeg,
    certificate: message.certificate.slice(),
    counselor: chain.value.counselor,
    ignoredRevocationLists: chain.value.ignoredRevocationLists,
  });
}
