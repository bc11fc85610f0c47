/**
 * Options of {@link OpenAiCompatibleClient}, their defaults (one constant) and their validation.
 */
import { systemResolveHost, transportFor } from '@vr3/providers';
import type { HttpTransport, RemoteAddressPolicy, ResolveHost } from '@vr3/providers';
import { VendorError } from '../errors.ts';

/** Defaults of {@link OpenAiCompatibleClientOptions}. */
export const OPENAI_COMPATIBLE_DEFAULTS = {
  /** Label in errors and logs. */
  vendor: 'openai',
  /** Outbound requests go only to https URLs on public addresses. */
  addressPolicy: 'public',
  /**
   * 15 s from sending a streamed request (chat, speech) to the first byte of its body: covers
   * connect, TLS, headers and the model's time to first token on a long prompt.
   */
  firstByteTimeoutMs: 15_000,
  /** 15 s of silence between two chunks of a streamed body ends it. */
  idleTimeoutMs: 15_000,
  /** 30 s for a whole transcription exchange (upload, recognition, answer). */
  requestTimeoutMs: 30_000,
  /** 256 KiB per SSE line or event: chunks are a few hundred bytes; a one-chunk answer still fits. */
  maxSseLineBytes: 256 * 1024,
  /** 16 MiB per chat stream in all. */
  maxChatStreamBytes: 16 * 1024 * 1024,
  /** 32 MiB of speech per request (about 11 minutes of 24 kHz PCM16). */
  maxSpeechBytes: 32 * 1024 * 1024,
  /** 256 KiB for a transcription's JSON answer. */
  maxTranscriptionResponseBytes: 256 * 1024,
  /** 24 MiB of PCM16 per transcription request (the OpenAI upload limit is 25 MB). */
  maxTranscriptionAudioBytes: 24 * 1024 * 1024,
  /** 4 KiB of an error answer are read for its excerpt; the rest is dropped with the connection. */
  maxErrorBodyBytes: 4 * 1024,
} as const;

/** Options of {@link OpenAiCompatibleClient}. Durations in milliseconds, sizes in bytes. */
export interface OpenAiCompatibleClientOptions {
  /**
   * Base URL without `/v1` (`https://api.openai.com`, `https://api.groq.com/openai`): requests go to
   * `{baseUrl}/v1/chat/completions`, `/v1/audio/transcriptions`, `/v1/audio/speech`.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer`; never in a message, log or error excerpt. */
  apiKey: string;
  /** Vendor label in errors. Default `'openai'`. */
  vendor?: string | undefined;
  /**
   * `'public'` (default): https only, and never to a loopback, private, link-local, CGNAT, metadata
   * or other non-public address (checked on each connection's address, as for provider calls).
   * `'any'`: the insecure option for local stand-ins and development (`VR3_ALLOW_INSECURE_PROVIDER_URLS`).
   */
  addressPolicy?: RemoteAddressPolicy | undefined;
  /** Host name resolver (tests); pass one long-lived function (connections are pooled per resolver). */
  resolveHost?: ResolveHost | undefined;
  /** Further request headers (`OpenAI-Organization`, …); cannot replace authorization or content headers. */
  headers?: Readonly<Record<string, string>> | undefined;
  firstByteTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
  requestTimeoutMs?: number | undefined;
  maxSseLineBytes?: number | undefined;
  maxChatStreamBytes?: number | undefined;
  maxSpeechBytes?: number | undefined;
  maxTranscriptionResponseBytes?: number | undefined;
  maxTranscriptionAudioBytes?: number | undefined;
}

/** Validated options with every default applied. */
export interface ResolvedClientOptions {
  baseUrl: string;
  apiKey: string;
  vendor: string;
  headers: Readonly<Record<string, string>>;
  transport: HttpTransport;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  maxSseLineBytes: number;
  maxChatStreamBytes: number;
  maxSpeechBytes: number;
  maxTranscriptionResponseBytes: number;
  maxTranscriptionAudioBytes: number;
  maxErrorBodyBytes: number;
}

const RESERVED_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'accept', 'host', 'transfer-encoding', 'connection']);

/**
 * Checks `options` and applies {@link OPENAI_COMPATIBLE_DEFAULTS}.
 *
 * @throws VendorError `invalid_option` naming the option (never its value).
 */
export function resolveClientOptions(options: OpenAiCompatibleClientOptions): ResolvedClientOptions {
  const d = OPENAI_COMPATIBLE_DEFAULTS;
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') throw new VendorError('openai', 'invalid_option', 'apiKey is empty');
  if (/[\r\n]/.test(options.apiKey)) throw new VendorError('openai', 'invalid_option', 'apiKey contains a line break');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new VendorError('openai', 'invalid_option', `header ${name} is set by the client`);
    headers[name.toLowerCase()] = value;
  }
  const policy = options.addressPolicy ?? d.addressPolicy;
  if (policy !== 'public' && policy !== 'any') throw new VendorError('openai', 'invalid_option', 'addressPolicy must be "public" or "any"');
  return {
    baseUrl: checkBaseUrl(options.baseUrl, ['http:', 'https:']),
    apiKey: options.apiKey,
    vendor: options.vendor ?? d.vendor,
    headers,
    transport: transportFor({ addressPolicy: policy, resolveHost: options.resolveHost ?? systemResolveHost }),
    firstByteTimeoutMs: positive('firstByteTimeoutMs', options.firstByteTimeoutMs ?? d.firstByteTimeoutMs),
    idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs ?? d.idleTimeoutMs),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? d.requestTimeoutMs),
    maxSseLineBytes: positiveInt('maxSseLineBytes', options.maxSseLineBytes ?? d.maxSseLineBytes),
    maxChatStreamBytes: positiveInt('maxChatStreamBytes', options.maxChatStreamBytes ?? d.maxChatStreamBytes),
    maxSpeechBytes: positiveInt('maxSpeechBytes', options.maxSpeechBytes ?? d.maxSpeechBytes),
    maxTranscriptionResponseBytes: positiveInt('maxTranscriptionResponseBytes', options.maxTranscriptionResponseBytes ?? d.maxTranscriptionResponseBytes),
    maxTranscriptionAudioBytes: positiveInt('maxTranscriptionAudioBytes', options.maxTranscriptionAudioBytes ?? d.maxTranscriptionAudioBytes),
    maxErrorBodyBytes: d.maxErrorBodyBytes,
  };
}

/**
 * `value` as a URL of one of `protocols`, without query, fragment, credentials or trailing slash.
 *
 * @throws VendorError `invalid_option`
 */
export function checkBaseUrl(value: string, protocols: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw new VendorError('openai', 'invalid_option', 'baseUrl is not a valid URL', { cause: err });
  }
  if (!protocols.includes(url.protocol) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new VendorError('openai', 'invalid_option', `baseUrl must be a ${protocols.join('/')} URL without query, fragment or credentials`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A positive, finite number of milliseconds. */
export function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new VendorError('openai', 'invalid_option', `${name} must be a positive number`);
  return value;
}

/** A positive integer. */
export function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new VendorError('openai', 'invalid_option', `${name} must be a positive integer`);
  return value;
}
