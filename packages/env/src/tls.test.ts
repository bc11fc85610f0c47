import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { writeSelfSignedCertificate, type SelfSignedCertificate } from './testing/index.ts';
import { readTlsCredentials, reloadServerTls, tlsFiles, watchTlsFiles, type TlsCredentials } from './tls.ts';

let dir: string;
const cleanups: Array<() => unknown> = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-tls-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Replaces `target` with `source`'s bytes the way renewals do: a new file renamed over the old one. */
function replace(source: string, target: string): void {
  fs.copyFileSync(source, `${target}.new`);
  fs.renameSync(`${target}.new`, target);
}

/** Files `server.crt`/`server.key` holding `cert`'s pair. */
function install(cert: SelfSignedCertificate): { certFile: string; keyFile: string } {
  const files = { certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key') };
  replace(cert.certFile, files.certFile);
  replace(cert.keyFile, files.keyFile);
  return files;
}

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('tlsFiles', () => {
  it('is null when neither variable is set; both set to a matching pair gives absolute paths', () => {
    expect(tlsFiles({})).toBeNull();
    const a = writeSelfSignedCertificate(dir, 'a');
    const relative = { VR3_TLS_CERT_FILE: path.relative(process.cwd(), a.certFile), VR3_TLS_KEY_FILE: a.keyFile };
    expect(tlsFiles(relative)).toEqual({ certFile: a.certFile, keyFile: a.keyFile });
  });

  it('refuses one variable without the other, naming the missing one', () => {
    const a = writeSelfSignedCertificate(dir, 'a');
    expect(() => tlsFiles({ VR3_TLS_CERT_FILE: a.certFile })).toThrow(ConfigError);
    expect(() => tlsFiles({ VR3_TLS_CERT_FILE: a.certFile })).toThrow(/^invalid environment: VR3_TLS_KEY_FILE: required when VR3_TLS_CERT_FILE is set/);
    expect(() => tlsFiles({ VR3_TLS_KEY_FILE: a.keyFile })).toThrow(/^invalid environment: VR3_TLS_CERT_FILE: required when VR3_TLS_KEY_FILE is set/);
  });

  it('refuses unreadable files, a file without a certificate, a key of another certificate, naming the variable and not the contents', () => {
    const a = writeSelfSignedCertificate(dir, 'a');
    const b = writeSelfSignedCertificate(dir, 'b');
    const missing = path.join(dir, 'missing.crt');
    expect(() => tlsFiles({ VR3_TLS_CERT_FILE: missing, VR3_TLS_KEY_FILE: a.keyFile })).toThrow(/VR3_TLS_CERT_FILE: cannot read .*missing\.crt \(ENOENT/);
    expect(() => tlsFiles({ VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: missing })).toThrow(/VR3_TLS_KEY_FILE: cannot read/);
    // A key given as the certificate: no certificate in it, and the error does not quote the key.
    let error: unknown;
    try {
      tlsFiles({ VR3_TLS_CERT_FILE: a.keyFile, VR3_TLS_KEY_FILE: a.keyFile });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^invalid environment: VR3_TLS_CERT_FILE: .* holds no PEM certificate/);
    expect((error as ConfigError).message).not.toContain('PRIVATE KEY');
    expect(() => tlsFiles({ VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: a.certFile })).toThrow(/VR3_TLS_KEY_FILE: .* holds no unencrypted PEM private key/);
    expect(() => tlsFiles({ VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: b.keyFile })).toThrow(/VR3_TLS_KEY_FILE: .* is not the private key of the certificate/);
  });
});

describe('watchTlsFiles', () => {
  it('reports a new valid pair once after the files are replaced, ignores an unchanged pair, keeps the pair in use when the new one is invalid', async () => {
    const a = writeSelfSignedCertificate(dir, 'a');
    const b = writeSelfSignedCertificate(dir, 'b');
    const c = writeSelfSignedCertificate(dir, 'c');
    const files = install(a);
    const reloads: TlsCredentials[] = [];
    const errors: ConfigError[] = [];
    const watch = watchTlsFiles(files, readTlsCredentials(files), { debounceMs: 50, onReload: (next) => reloads.push(next), onError: (err) => errors.push(err) });
    cleanups.push(() => watch.close());

    watch.reload(); // the pair in use: nothing to report
    expect(reloads).toEqual([]);

    install(b);
    await until(() => reloads.length === 1);
    expect(reloads[0]!.fingerprint256).toBe(b.fingerprint256);

    // A renewal that wrote the new certificate but not its key yet: refused, the pair in use stays…
    replace(c.certFile, files.certFile);
    await until(() => errors.length > 0);
    expect(errors[0]).toBeInstanceOf(ConfigError);
    expect(errors[0]!.message).toMatch(/VR3_TLS_KEY_FILE: .* is not the private key/);
    expect(reloads).toHaveLength(1);
    // …until the key arrives.
    replace(c.keyFile, files.keyFile);
    await until(() => reloads.length === 2);
    expect(reloads[1]!.fingerprint256).toBe(c.fingerprint256);

    watch.close();
    install(a);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reloads).toHaveLength(2);
  });
});

describe('reloadServerTls', () => {
  /** The SHA-256 fingerprint of the certificate a TLS server presents on a new connection. */
  const servedFingerprint = (port: number, ca: Buffer[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
        const fingerprint = socket.getPeerCertificate().fingerprint256;
        socket.end();
        resolve(fingerprint);
      });
      socket.once('error', reject);
    });

  it('serves the new pair after SIGHUP; a bad pair on SIGHUP is logged and the old one stays; stops listening for SIGHUP when the server closes', async () => {
    const a = writeSelfSignedCertificate(dir, 'a');
    const b = writeSelfSignedCertificate(dir, 'b');
    const files = install(a);
    const credentials = readTlsCredentials(files);
    const server = https.createServer({ cert: credentials.cert, key: credentials.key }, (_req, res) => res.end('ok'));
    const signals = new EventEmitter();
    const logged: Array<{ level: string; obj: object; msg: string }> = [];
    const logger = {
      info: (obj: object, msg: string) => logged.push({ level: 'info', obj, msg }),
      error: (obj: object, msg: string) => logged.push({ level: 'error', obj, msg }),
    };
    // A debounce longer than the test: only the signal reloads here.
    reloadServerTls(server, files, credentials, { logger, signals, debounceMs: 60_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const ca = [a.cert, b.cert];
    expect(await servedFingerprint(port, ca)).toBe(a.fingerprint256);

    install(b);
    expect(await servedFingerprint(port, ca)).toBe(a.fingerprint256);
    signals.emit('SIGHUP');
    expect(await servedFingerprint(port, ca)).toBe(b.fingerprint256);
    expect(logged.at(-1)).toEqual({ level: 'info', obj: { tls_fingerprint256: b.fingerprint256, tls_valid_to: expect.any(String) as string }, msg: 'tls certificate reloaded' });

    fs.writeFileSync(files.certFile, 'not a certificate\n');
    signals.emit('SIGHUP');
    expect(logged.at(-1)).toMatchObject({ level: 'error', msg: 'tls certificate not reloaded: the one in use stays' });
    expect((logged.at(-1)!.obj as { err: unknown }).err).toBeInstanceOf(ConfigError);
    expect(await servedFingerprint(port, ca)).toBe(b.fingerprint256);

    expect(signals.listenerCount('SIGHUP')).toBe(1);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(signals.listenerCount('SIGHUP')).toBe(0);
  });
});
