// Haven-E2E v1 for the browser (protocol.md Part I, §10, §12, §13): the public surface shared by
// the visitor widget and the duty console. Every function takes the libsodium.js instance as a
// parameter (standard build in the widget, sumo in the console) after `await sodium.ready`.

export { kE2eErrorCodes, kE2eErrorSentences, type E2eError, type E2eErrorCode, type Result } from './errors';
export type { Sodium } from './sodium';
export type { Direction } from './ids';

export {
  issueCertificate,
  parseCertificate,
  kRoleCounselor,
  kRoleSigning,
  type Certificate,
  type CertificateFields,
  type CertificateRole,
} from './certificate';
export { fingerprint, fingerprintMatches, formatFingerprint } from './fingerprint';
export {
  issueRevocationList,
  parseRevocationList,
  kIssuerRoot,
  kIssuerSigning,
  type RevocationFields,
  type RevocationList,
} from './revocation';
export { verifyChain, type ChainInput, type IgnoredRevocationList, type VerifiedChain } from './chain';

export {
  CounselorHandshake,
  VisitorHandshake,
  type CounselorIdentity,
  type LegId,
  type VisitorSession,
  type VisitorTrust,
} from './handshake';
export { formatVerificationCode } from './session_keys';
export { authoriseTransfer, type TransferAuthorisation, type TransferContext } from './transfer';

export { historyEntryBytes, kHistoryHeadBytes, kMessageMaxBytes, type EndReason, type HistoryEntry, type HistorySpeaker, type Message } from './message';
export {
  StreamReceiver,
  StreamSender,
  kTagFinal,
  kTagMessage,
  kTagRekey,
  type ReceivedMessage,
  type SentFrame,
  type StreamTag,
} from './stream';

export { encodeEnvelope, parseEnvelope, type Envelope } from './envelope';
export {
  deriveCredentialKeys,
  unwrapIdentitySeed,
  wrapIdentitySeed,
  type CredentialKeys,
} from './credentials';
export { kHandoverTextMaxBytes, openHandover, sealHandover, type HandoverBinding } from './handover';
