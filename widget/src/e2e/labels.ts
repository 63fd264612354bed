// Every domain-separation label of Haven-E2E v1 (protocol.md §1), in one place so that a reviewer
// can see at a glance that no two purposes share one.

import { label } from './bytes';

export const kLabelCertificate = label('Haven-E2E v1 certificate');
export const kLabelRevocations = label('Haven-E2E v1 revocations');
export const kLabelFingerprint = label('Haven-E2E v1 fingerprint');
export const kLabelTranscript = label('Haven-E2E v1 transcript');
export const kLabelAccept = label('Haven-E2E v1 accept');
export const kLabelKeyV2c = label('Haven-E2E v1 key v2c');
export const kLabelKeyC2v = label('Haven-E2E v1 key c2v');
export const kLabelCode = label('Haven-E2E v1 code');
export const kLabelFrame = label('Haven-E2E v1 frame');
export const kLabelIdentityWrap = label('Haven-E2E v1 identity wrap');
