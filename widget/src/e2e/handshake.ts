// The two roles of a leg's handshake (protocol.md §5): the visitor offers and verifies, the
// counselor accepts. Each role object holds its ephemeral secret only until the stream keys
// exist, and is used once: a second accept or stream_start is a duplicate.
//
//   visitor                          counselor
//   seq 1  offer        ──────────▶  check chat/leg, sign transcript, start c2v
//          ◀──────────  accept       seq 1
//   verify (§5.3), start v2c
//   seq 2  stream_start ──────────▶  check chat/leg, start pulling v2c
//
// If the visitor's verification fails it gets no stream at all: nothing can be sent encrypted
// on the leg and there is no plaintext fallback (§5.3).

import { equalBytes } from './bytes';
import type { Certificate } from './certificate';
import { verifyChain, type VerifiedChain } from './chain';
import { fail, ok, type Result } from './errors';
import { checkChatAndLeg } from './ids';
import {
  encodeAccept,
  encodeOffer,
  encodeStreamStart,
  kVisitorNonceBytes,
  parseAccept,
  parseOffer,
  parseStreamStart,
} from './handshake_wire';
import {
  deriveStreamKeys,
  signTranscript,
  transcriptHash,
  verificationCode,
  verifyTranscriptSignature,
} from './session_keys';
import { kKxSeedBytes, type Sodium } from './sodium';
import { StreamReceiver, StreamSender } from './stream';

/** The leg a role is working on. */
export interface LegId {
  readonly chatId: Uint8Array;
  readonly leg: number;
}

/**
 * Deterministic ephemeral inputs, for the cross-implementation test vectors (§15) only. Real
 * chats omit them and get crypto_kx_keypair and randombytes_buf.
 */
export interface VisitorEphemeralForVectors {
  readonly kxSeed: Uint8Array;
  readonly visitorNonce: Uint8Array;
}

export interface CounselorEphemeralForVectors {
  readonly kxSeed: Uint8Array;
}

/** What the visitor trusts when it checks an accept. */
export interface VisitorTrust {
  /** The pinned Org Root public key. */
  readonly rootPublicKey: Uint8Array;
  /** Revocation lists as the server delivered them; bad ones are ignored (§3.4 step 6). */
  readonly revocationLists: readonly Uint8Array[];
  /**
   * For leg > 0: the counselor certificate the previous counselor authorised for this leg
   * (§8, see transfer.ts). Without it every accept on leg > 0 is `unauthorized_transfer`.
   */
  readonly authorisedCertificate?: Uint8Array;
}

/** A verified leg, from the visitor's side. */
export interface VisitorSession {
  /** Send as seq 2 (§5.3 step 5). */
  readonly streamStart: Uint8Array;
  readonly sender: StreamSender;
  readonly receiver: StreamReceiver;
  readonly chain: VerifiedChain;
  readonly counselor: Certificate;
  readonly transcriptHash: Uint8Array;
  readonly code: string;
}

function keyPair(sodium: Sodium, seed: Uint8Array | undefined): { publicKey: Uint8Array; privateKey: Uint8Array } {
  if (seed === undefined) return sodium.crypto_kx_keypair();
  if (seed.length !== kKxSeedBytes) throw new RangeError('kx seed must be 32 bytes');
  return sodium.crypto_kx_seed_keypair(seed);
}

/** The visitor's side of one leg's handshake. */
export class VisitorHandshake {
  /** Send as seq 1 of the leg (§5.1). */
  readonly offer: Uint8Array;

  private readonly publicKey_: Uint8Array;
  private readonly secretKey_: Uint8Array;
  private readonly nonce_: Uint8Array;
  private used_ = false;

  /** Starts a leg with a fresh ephemeral key pair and nonce. Throws RangeError on a bad leg id. */
  constructor(
    private readonly sodium_: Sodium,
    private readonly legId_: LegId,
    ephemeral?: VisitorEphemeralForVectors,
  ) {
    checkChatAndLeg(legId_.chatId, legId_.leg);
    const pair = keyPair(sodium_, ephemeral?.kxSeed);
    this.publicKey_ = pair.publicKey;
    this.secretKey_ = pair.privateKey;
    this.nonce_ = ephemeral?.visitorNonce.slice() ?? sodium_.randombytes_buf(kVisitorNonceBytes);
    if (this.nonce_.length !== kVisitorNonceBytes) throw new RangeError('visitor nonce must be 32 bytes');
    this.offer = encodeOffer({
      chatId: legId_.chatId,
      leg: legId_.leg,
      visitorNonce: this.nonce_,
      visitorKxPublicKey: this.publicKey_,
    });
  }

  /**
   * Checks the counselor's accept exactly as §5.3 orders and, only if every step passes, returns
   * the session: the stream_start to send, the v2c sender and the c2v receiver. `nowSeconds` is
   * the caller's clock (chain validity and the sender's rekey timer). Failures: malformed,
   * unsupported_version, wrong_chat, any chain code, unauthorized_transfer,
   * bad_handshake_signature; `duplicate_frame` if an accept was already handled. Whatever the
   * outcome, the ephemeral secret is wiped and this object is spent.
   */
  receiveAccept(acceptBytes: Uint8Array, trust: VisitorTrust, nowSeconds: number): Result<VisitorSession> {
    if (this.used_) return fail('duplicate_frame', 'the leg already has an accept');
    this.used_ = true;
    try {
      return this.verifyAccept(acceptBytes, trust, nowSeconds);
    } finally {
      this.sodium_.memzero(this.secretKey_);
    }
  }

  /** Wipes the ephemeral secret (quick exit, leg abandoned). */
  dispose(): void {
    this.used_ = true;
    this.sodium_.memzero(this.secretKey_);
  }

  private verifyAccept(acceptBytes: Uint8Array, trust: VisitorTrust, nowSeconds: number): Result<VisitorSession> {
    const sodium = this.sodium_;
    const parsed = parseAccept(acceptBytes);
    if (!parsed.ok) return parsed;
    const accept = parsed.value;
    if (!equalBytes(accept.chatId, this.legId_.chatId) || accept.leg !== this.legId_.leg) return fail('wrong_chat');

    const chain = verifyChain(sodium, {
      rootPublicKey: trust.rootPublicKey,
      signingCertificate: accept.signingCertificate,
      counselorCertificate: accept.counselorCertificate,
      revocationLists: trust.revocationLists,
      now: BigInt(Math.floor(nowSeconds)),
    });
    if (!chain.ok) return chain;

    if (this.legId_.leg > 0) {
      const authorised = trust.authorisedCertificate;
      if (authorised === undefined || !equalBytes(authorised, accept.counselorCertificate)) {
        return fail('unauthorized_transfer');
      }
    }

    const transcript = transcriptHash(sodium, {
      chatId: this.legId_.chatId,
      leg: this.legId_.leg,
      visitorNonce: this.nonce_,
      visitorKxPublicKey: this.publicKey_,
      counselorKxPublicKey: accept.counselorKxPublicKey,
      signingCertificate: accept.signingCertificate,
      counselorCertificate: accept.counselorCertificate,
    });
    const counselor = chain.value.counselor;
    if (!verifyTranscriptSignature(sodium, counselor.subjectKey, transcript, accept.signature)) {
      return fail('bad_handshake_signature');
    }

    const keys = deriveStreamKeys(sodium, 'visitor', this.publicKey_, this.secretKey_, accept.counselorKxPublicKey, transcript);
    if (!keys.ok) return keys;
    const sender = new StreamSender(sodium, keys.value.keyV2c, { ...this.legId_, direction: 'v2c' }, nowSeconds);
    const receiver = new StreamReceiver(sodium, keys.value.keyC2v, accept.c2vHeader, { ...this.legId_, direction: 'c2v' });
    return ok({
      streamStart: encodeStreamStart({ chatId: this.legId_.chatId, leg: this.legId_.leg, v2cHeader: sender.header }),
      sender,
      receiver,
      chain: chain.value,
      counselor,
      transcriptHash: transcript,
      code: verificationCode(sodium, transcript),
    });
  }
}

/** What the counselor proves itself with. */
export interface CounselorIdentity {
  readonly signingCertificate: Uint8Array;
  readonly counselorCertificate: Uint8Array;
  /** The 64-byte Ed25519 secret key of the counselor certificate's subject key. */
  readonly identitySecretKey: Uint8Array;
}

/**
 * The counselor's side of one leg's handshake, created from the visitor's offer. It holds
 * key_v2c until the visitor's stream_start arrives.
 */
export class CounselorHandshake {
  private constructor(
    private readonly sodium_: Sodium,
    private readonly legId_: LegId,
    /** Send as seq 1 of the leg (§5.2). */
    readonly accept: Uint8Array,
    /** The c2v stream, already started: its header is inside `accept`. */
    readonly sender: StreamSender,
    readonly transcriptHash: Uint8Array,
    readonly code: string,
    private readonly keyV2c_: Uint8Array,
  ) {}

  private used_ = false;

  /**
   * Answers `offerBytes` for the leg this counselor was given (§5.2): `malformed` (also for a
   * visitor kx key libsodium refuses), `unsupported_version`, `wrong_chat` if the offer names
   * another chat or leg, or the handshake holding the accept to send and the started c2v sender.
   */
  static answer(
    sodium: Sodium,
    offerBytes: Uint8Array,
    legId: LegId,
    identity: CounselorIdentity,
    nowSeconds: number,
    ephemeral?: CounselorEphemeralForVectors,
  ): Result<CounselorHandshake> {
    checkChatAndLeg(legId.chatId, legId.leg);
    const parsed = parseOffer(offerBytes);
    if (!parsed.ok) return parsed;
    const offer = parsed.value;
    if (!equalBytes(offer.chatId, legId.chatId) || offer.leg !== legId.leg) return fail('wrong_chat');

    const pair = keyPair(sodium, ephemeral?.kxSeed);
    try {
      const transcript = transcriptHash(sodium, {
        chatId: legId.chatId,
        leg: legId.leg,
        visitorNonce: offer.visitorNonce,
        visitorKxPublicKey: offer.visitorKxPublicKey,
        counselorKxPublicKey: pair.publicKey,
        signingCertificate: identity.signingCertificate,
        counselorCertificate: identity.counselorCertificate,
      });
      const keys = deriveStreamKeys(sodium, 'counselor', pair.publicKey, pair.privateKey, offer.visitorKxPublicKey, transcript);
      if (!keys.ok) return keys;
      const signature = signTranscript(sodium, identity.identitySecretKey, transcript);
      const sender = new StreamSender(sodium, keys.value.keyC2v, { ...legId, direction: 'c2v' }, nowSeconds);
      const accept = encodeAccept({
        chatId: legId.chatId,
        leg: legId.leg,
        counselorKxPublicKey: pair.publicKey,
        signingCertificate: identity.signingCertificate,
        counselorCertificate: identity.counselorCertificate,
        signature,
        c2vHeader: sender.header,
      });
      const code = verificationCode(sodium, transcript);
      return ok(new CounselorHandshake(sodium, legId, accept, sender, transcript, code, keys.value.keyV2c));
    } finally {
      sodium.memzero(pair.privateKey);
    }
  }

  /**
   * Handles the visitor's stream_start (seq 2): `malformed`, `unsupported_version`, `wrong_chat`,
   * or the v2c receiver; `duplicate_frame` if one was already handled. Like the visitor's
   * verification, a failure ends the leg: key_v2c is handed to the receiver or wiped either way.
   */
  receiveStreamStart(bytes: Uint8Array): Result<StreamReceiver> {
    if (this.used_) return fail('duplicate_frame', 'the leg already has a stream_start');
    this.used_ = true;
    const parsed = parseStreamStart(bytes);
    if (!parsed.ok) {
      this.sodium_.memzero(this.keyV2c_);
      return parsed;
    }
    const start = parsed.value;
    if (!equalBytes(start.chatId, this.legId_.chatId) || start.leg !== this.legId_.leg) {
      this.sodium_.memzero(this.keyV2c_);
      return fail('wrong_chat');
    }
    return ok(new StreamReceiver(this.sodium_, this.keyV2c_, start.v2cHeader, { ...this.legId_, direction: 'v2c' }));
  }

  /** Wipes key_v2c and retires the c2v stream (quick exit, leg abandoned). */
  dispose(): void {
    this.used_ = true;
    this.sodium_.memzero(this.keyV2c_);
    this.sender.dispose();
  }
}
