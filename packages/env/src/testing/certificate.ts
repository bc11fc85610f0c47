import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A certificate and its key written by {@link writeSelfSignedCertificate}. */
export interface SelfSignedCertificate {
  certFile: string;
  keyFile: string;
  /** The PEM certificate: a client's `ca` to trust it. */
  cert: Buffer;
  /** SHA-256 fingerprint as a peer certificate reports it (`AB:CD:…`). */
  fingerprint256: string;
}

/**
 * Writes a new self-signed certificate for `localhost` and 127.0.0.1 (EC P-256, one day) and its key
 * as `<name>.crt` and `<name>.key` in `dir`, with the `openssl` command (Debian's `openssl`
 * package). Each call makes another key, so each certificate has its own fingerprint.
 */
export function writeSelfSignedCertificate(dir: string, name: string): SelfSignedCertificate {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=localhost`,
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const cert = fs.readFileSync(certFile);
  return { certFile, keyFile, cert, fingerprint256: new X509Certificate(cert).fingerprint256 };
}
