import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createSecureContext, type Server as TlsServer } from 'node:tls';
import { z } from 'zod';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { ConfigError } from './errors.ts';
import { httpServerOptions, type HttpServerLimits } from './http-server.ts';

/**
 * The schema fields of `VR3_TLS_CERT_FILE` (PEM certificate, its chain after it) and
 * `VR3_TLS_KEY_FILE` (its unencrypted PEM private key), to spread into an app's environment
 * schema; {@link tlsFiles} checks that both or neither are set and that they hold a matching pair.
 */
export const TLS_ENV = {
  VR3_TLS_CERT_FILE: z.string().optional(),
  VR3_TLS_KEY_FILE: z.string().optional(),
} as const;

/** The parsed values of {@link TLS_ENV}; unset ones are undefined. */
export interface TlsEnv {
  VR3_TLS_CERT_FILE?: string | undefined;
  VR3_TLS_KEY_FILE?: string | undefined;
}

/** Where a server's certificate and private key are read from (and read again on a reload). */
export interface TlsFiles {
  /** PEM certificate, followed by its intermediate certificates (a "fullchain" file). */
  readonly certFile: string;
  /** PEM private key of the certificate, unencrypted. */
  readonly keyFile: string;
}

/** A certificate and key read from {@link TlsFiles} and checked to belong together. */
export interface TlsCredentials {
  /** The certificate file's bytes (the chain included), as given to `tls.createSecureContext`. */
  readonly cert: Buffer;
  /** The key file's bytes. */
  readonly key: Buffer;
  /** SHA-256 fingerprint of the leaf certificate (`AB:CD:…`), for logs: it is public. */
  readonly fingerprint256: string;
  /** End of the leaf certificate's validity, as the certificate states it. */
  readonly validTo: string;
}

/**
 * The TLS files set by `env`, or null when neither variable is set (plain HTTP). Throws
 * {@link ConfigError} naming the variable when only one is set, or when the files cannot be read,
 * do not hold a PEM certificate and key, or the key is not the certificate's.
 */
export function tlsFiles(env: TlsEnv): TlsFiles | null {
  const certFile = env.VR3_TLS_CERT_FILE;
  const keyFile = env.VR3_TLS_KEY_FILE;
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined) throw new ConfigError('invalid environment: VR3_TLS_CERT_FILE: required when VR3_TLS_KEY_FILE is set (both or neither)');
  if (keyFile === undefined) throw new ConfigError('invalid environment: VR3_TLS_KEY_FILE: required when VR3_TLS_CERT_FILE is set (both or neither)');
  const files = { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
  readTlsCredentials(files);
  return files;
}

/** The first line of an error's message, with its code when it has one; never file contents. */
function reason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? (err.message.split('\n', 1)[0] ?? '') : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * Reads `files` and checks them: a PEM certificate, a PEM private key (unencrypted), and the key
 * being the certificate's. Throws {@link ConfigError} naming `VR3_TLS_CERT_FILE` or
 * `VR3_TLS_KEY_FILE` (and the path, never the contents) otherwise.
 */
export function readTlsCredentials(files: TlsFiles): TlsCredentials {
  const read = (variable: string, file: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new ConfigError(`invalid environment: ${variable}: cannot read ${file} (${reason(err)})`, { cause: err });
    }
  };
  const cert = read('VR3_TLS_CERT_FILE', files.certFile);
  const key = read('VR3_TLS_KEY_FILE', files.keyFile);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new ConfigError(`invalid environment: VR3_TLS_CERT_FILE: ${files.certFile} holds no PEM certificate (${reason(err)})`, { cause: err });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new ConfigError(`invalid environment: VR3_TLS_KEY_FILE: ${files.keyFile} holds no unencrypted PEM private key (${reason(err)})`, { cause: err });
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new ConfigError(`invalid environment: VR3_TLS_KEY_FILE: ${files.keyFile} is not the private key of the certificate in VR3_TLS_CERT_FILE`);
  }
  try {
    // What the server will do with them: a chain or key OpenSSL refuses is found here, not by a client.
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ConfigError(`invalid environment: VR3_TLS_CERT_FILE: ${files.certFile} and ${files.keyFile} are refused by OpenSSL (${reason(err)})`, { cause: err });
  }
  return { cert, key, fingerprint256: leaf.fingerprint256, validTo: leaf.validTo };
}

/**
 * Options for `https.createServer`: {@link httpServerOptions} of `limits`, the pair of
 * `credentials`, and a TLS handshake bounded by the headers timeout (Node's default is 120 s, which
 * would let idle half-open connections outlive every HTTP limit).
 */
export function httpsServerOptions(limits: HttpServerLimits, credentials: TlsCredentials): HttpsServerOptions {
  return { ...httpServerOptions(limits), cert: credentials.cert, key: credentials.key, handshakeTimeout: limits.headersTimeoutMs };
}

/** What {@link watchTlsFiles} reports to its owner. */
export interface TlsWatchOptions {
  /** Called with new credentials once the files changed and hold a valid pair; apply them here. */
  onReload(credentials: TlsCredentials): void;
  /** Called when the changed files are not a valid pair: the credentials in use stay. */
  onError(err: ConfigError): void;
  /** Quiet time after the last file event before the files are read (a renewal writes two files). */
  debounceMs?: number;
}

/** A running watch of {@link TlsFiles}. */
export interface TlsWatch {
  /** Reads the files now; reports through `onReload` when they hold another valid pair, `onError` when invalid. */
  reload(): void;
  /** Stops watching and clears the pending timer. Idempotent. */
  close(): void;
}

/** Default {@link TlsWatchOptions.debounceMs}: a renewal's two writes (certificate, key) count as one change. */
export const DEFAULT_TLS_RELOAD_DEBOUNCE_MS = 250;

/**
 * Watches the directories of `files` and, after {@link TlsWatchOptions.debounceMs} of quiet,
 * reads the files again (`reload()` does so at once, for a SIGHUP). Directories rather than the
 * files: renewals replace files (a rename, a moved symlink, a mounted secret's swapped link),
 * which a watch of the old file would never see. A pair equal to the one in use is ignored; an
 * invalid one is reported and the one in use stays. `current` is the pair in use at start.
 */
export function watchTlsFiles(files: TlsFiles, current: TlsCredentials, options: TlsWatchOptions): TlsWatch {
  const debounceMs = options.debounceMs ?? DEFAULT_TLS_RELOAD_DEBOUNCE_MS;
  let inUse = current;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const reload = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = undefined;
    let next: TlsCredentials;
    try {
      next = readTlsCredentials(files);
    } catch (err) {
      options.onError(err instanceof ConfigError ? err : new ConfigError(`invalid environment: VR3_TLS_CERT_FILE: ${reason(err)}`, { cause: err }));
      return;
    }
    if (next.cert.equals(inUse.cert) && next.key.equals(inUse.key)) return;
    inUse = next;
    options.onReload(next);
  };
  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
  };
  const watchers: fs.FSWatcher[] = [];
  for (const dir of new Set([path.dirname(files.certFile), path.dirname(files.keyFile)])) {
    try {
      const watcher = fs.watch(dir, { persistent: false }, schedule);
      watcher.on('error', (err) => options.onError(new ConfigError(`invalid environment: VR3_TLS_CERT_FILE: cannot watch ${dir} (${reason(err)})`, { cause: err })));
      watchers.push(watcher);
    } catch (err) {
      // Still reloadable on SIGHUP; the owner logs that changes go unnoticed.
      options.onError(new ConfigError(`invalid environment: VR3_TLS_CERT_FILE: cannot watch ${dir} (${reason(err)})`, { cause: err }));
    }
  }
  return {
    reload,
    close: () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** The two levels {@link reloadServerTls} logs at; a pino logger is one. */
export interface TlsReloadLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of {@link reloadServerTls}. */
export interface ServerTlsReloadOptions {
  logger: TlsReloadLogger;
  /** Where `SIGHUP` is listened for (the app passes `process`); without it, file changes only. */
  signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  debounceMs?: number;
}

/**
 * Keeps `server` serving the pair in `files`: on `SIGHUP` and on a change of the files (see
 * {@link watchTlsFiles}) a valid new pair replaces the secure context for new connections
 * (`server.setSecureContext`; open ones keep theirs), logged with its fingerprint and expiry; an
 * invalid one is logged at `error` and the pair in use stays: a bad renewal never stops the
 * server. Stops by itself when the server closes.
 */
export function reloadServerTls(server: TlsServer, files: TlsFiles, current: TlsCredentials, options: ServerTlsReloadOptions): TlsWatch {
  const { logger, signals } = options;
  const watch = watchTlsFiles(files, current, {
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    onReload: (next) => {
      server.setSecureContext({ cert: next.cert, key: next.key });
      logger.info({ tls_fingerprint256: next.fingerprint256, tls_valid_to: next.validTo }, 'tls certificate reloaded');
    },
    onError: (err) => logger.error({ err }, 'tls certificate not reloaded: the one in use stays'),
  });
  const onSignal = (): void => watch.reload();
  signals?.on('SIGHUP', onSignal);
  server.once('close', () => {
    watch.close();
    signals?.off('SIGHUP', onSignal);
  });
  return watch;
}
