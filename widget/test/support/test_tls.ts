// Native TLS for the browser tests. With HAVEN_TEST_TLS=1 the harness serves Haven over HTTPS
// and WSS itself ([tls] in its config, as a small NGO without nginx runs it), with a throwaway
// certificate for 127.0.0.1 made by openssl. Only this process's clients (node's fetch of the
// test helpers, the wire WebSocket) and the Chromium launched here trust it: the node side
// through `ca`, Chromium through --ignore-certificate-errors-spki-list naming its key alone.

import { spawnSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';

export function tlsRun(): boolean {
  return process.env['HAVEN_TEST_TLS'] === '1';
}

let trusted: string | null = null;

export interface TestCertificate {
  readonly certificateFile: string;
  readonly keyFile: string;
}

/** Writes a self-signed certificate for 127.0.0.1 into `dir` and trusts it from now on. */
export function makeTrustedCertificate(dir: string): TestCertificate {
  const certificateFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', certificateFile, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
  trusted = readFileSync(certificateFile, 'utf8');
  return { certificateFile, keyFile };
}

/** Chromium flags that trust the test certificate's key (and nothing else), if there is one. */
export function chromiumTrustArgs(): string[] {
  if (trusted === null) return [];
  const spki = new X509Certificate(trusted).publicKey.export({ type: 'spki', format: 'der' });
  return [`--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`];
}

/** node:http's or node:https's request for `url`, trusting the test certificate. */
export function requestFor(url: URL, options: RequestOptions, onResponse?: (response: IncomingMessage) => void): ClientRequest {
  if (url.protocol === 'https:' || url.protocol === 'wss:') {
    return httpsRequest({ ...options, ca: trusted ?? undefined }, onResponse);
  }
  return httpRequest(options, onResponse);
}

/** A POST like fetch's (same Response), over HTTPS trusting the test certificate when needed. */
export function post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = requestFor(
      target,
      { method: 'POST', host: target.hostname, port: target.port, path: target.pathname + target.search, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const answer = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) answer.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve(new Response(Buffer.concat(chunks), { status: response.statusCode ?? 0, headers: answer }));
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
