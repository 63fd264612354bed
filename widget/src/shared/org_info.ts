// The organisation as the server announces it to both sockets (protocol.md §11.1 `org`): what
// the browser checks a counselor's certificate chain against. The root key must match the
// fingerprint the page was given (the embed snippet, or the console's enrolment); the server
// cannot substitute its own.

import { hexList, isHex, isObject, str } from './json_fields';

export interface OrgInfo {
  readonly name: string;
  readonly rootKey: string;
  readonly fingerprint: string;
  readonly signingCertificates: readonly string[];
  readonly revocationLists: readonly string[];
}

export function readOrg(value: unknown): OrgInfo | null {
  if (!isObject(value)) return null;
  const name = str(value, 'name');
  const rootKey = str(value, 'root_key');
  const fingerprint = str(value, 'fingerprint');
  const signingCertificates = hexList(value['signing_certificates']);
  const revocationLists = hexList(value['revocation_lists']);
  if (name === null || !isHex(rootKey, 32) || !isHex(fingerprint, 16) || signingCertificates === null || revocationLists === null) {
    return null;
  }
  return { name, rootKey, fingerprint, signingCertificates, revocationLists };
}
