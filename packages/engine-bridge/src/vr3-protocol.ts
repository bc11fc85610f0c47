/**
 * The `vr3` bot protocol, version 1: our own, for new bots. One WebSocket per call. Text frames are
 * JSON objects with an `event`; binary frames are audio, raw PCM16 little-endian mono at
 * `start.media_format.sample_rate`, in both directions, any size (whole samples).
 *
 * Server → bot: `start` (first), binary caller audio, `dtmf`, `mark` (the caller heard the audio
 * before the bot's mark, or a clear cut it: `cleared: true`), `cleared` (answer to `clear`), `stop`
 * (then a 1000 close).
 * Bot → server: binary agent audio, `mark`, `clear`, `hangup`, `transfer`, `set_context`, `event`.
 * A bot ignores server events it does not know; new fields and events may be added within a
 * version, and a change that breaks a bot raises `version`.
 */
import type { MediaFormat } from '@vr3/protocol';
import { BotFrameError } from './errors.ts';

/** Version announced in `start`. */
export const VR3_PROTOCOL_VERSION = 1;

/** The first frame a bot receives. */
export interface Vr3StartFrame {
  event: 'start';
  version: typeof VR3_PROTOCOL_VERSION;
  run_id: string;
  run_name: string;
  agent_uuid: string;
  /** Telephony provider the call came from (`twilio`, `exotel`, …). */
  provider: string;
  call_id?: string;
  stream_id: string;
  /** Caller and called numbers, when known (personal data). */
  from?: string;
  to?: string;
  /** The provider's custom parameters, then the engine configuration's `custom_parameters`. */
  custom_parameters: Record<string, string>;
  /** The run's `initial_context`. */
  initial_context: Record<string, unknown>;
  media_format: { encoding: 'pcm16le'; sample_rate: number; channels: 1 };
}

/** Every text frame the server sends. */
export type Vr3ServerFrame =
  | Vr3StartFrame
  | { event: 'dtmf'; digit: string }
  | { event: 'mark'; name: string; cleared?: true }
  | { event: 'cleared'; heard_ms: number; discarded_ms: number }
  | { event: 'stop'; reason: string };

/** Every text frame a bot may send. */
export type Vr3BotFrame =
  | { event: 'mark'; name: string }
  | { event: 'clear' }
  | { event: 'hangup'; reason?: string }
  | { event: 'transfer'; target: string }
  | { event: 'set_context'; values: Record<string, unknown> }
  | { event: 'event'; data: Record<string, unknown> };

/** The session format of a `vr3` stream at `sampleRate`. */
export function vr3Format(sampleRate: number): MediaFormat {
  return { encoding: 'pcm16le', sampleRate };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function malformed(message: string, cause?: unknown): BotFrameError {
  return new BotFrameError('malformed_bot_frame', message, cause === undefined ? {} : { cause });
}

/** A text frame as a JSON object with a string `event`; throws `malformed_bot_frame` otherwise. */
export function parseVr3Json(data: Buffer | string): Record<string, unknown> & { event: string } {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (err) {
    throw malformed('frame is not valid JSON', err);
  }
  if (!isObject(value) || typeof value.event !== 'string' || value.event === '') throw malformed('frame is not an object with an event');
  return value as Record<string, unknown> & { event: string };
}

const text = (frame: Record<string, unknown>, key: string, optional = false): string | undefined => {
  const v = frame[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v === '') throw malformed(`"${key}" is missing or not a string`);
  return v;
};

const object = (frame: Record<string, unknown>, key: string): Record<string, unknown> => {
  const v = frame[key];
  if (!isObject(v)) throw malformed(`"${key}" is missing or not an object`);
  return v;
};

/** Reads a bot text frame; unknown events are `null` (skipped), unusable ones throw `malformed_bot_frame`. */
export function parseVr3BotFrame(data: Buffer | string): Vr3BotFrame | null {
  const frame = parseVr3Json(data);
  switch (frame.event) {
    case 'mark':
      return { event: 'mark', name: text(frame, 'name')! };
    case 'clear':
      return { event: 'clear' };
    case 'hangup': {
      const reason = text(frame, 'reason', true);
      return reason === undefined ? { event: 'hangup' } : { event: 'hangup', reason };
    }
    case 'transfer':
      return { event: 'transfer', target: text(frame, 'target')! };
    case 'set_context':
      return { event: 'set_context', values: object(frame, 'values') };
    case 'event':
      return { event: 'event', data: object(frame, 'data') };
    default:
      return null;
  }
}

/** Reads a server text frame (for bots written in TypeScript, and the test bot); unknown events are `null`. */
export function parseVr3ServerFrame(data: Buffer | string): Vr3ServerFrame | null {
  const frame = parseVr3Json(data);
  switch (frame.event) {
    case 'start': {
      const format = object(frame, 'media_format');
      if (frame.version !== VR3_PROTOCOL_VERSION) throw malformed('unsupported protocol version');
      if (format.encoding !== 'pcm16le' || typeof format.sample_rate !== 'number') throw malformed('"media_format" is not PCM16 LE at a rate');
      return frame as unknown as Vr3StartFrame;
    }
    case 'dtmf':
      return { event: 'dtmf', digit: text(frame, 'digit')! };
    case 'mark':
      return frame.cleared === true ? { event: 'mark', name: text(frame, 'name')!, cleared: true } : { event: 'mark', name: text(frame, 'name')! };
    case 'cleared':
      return { event: 'cleared', heard_ms: Number(frame.heard_ms), discarded_ms: Number(frame.discarded_ms) };
    case 'stop':
      return { event: 'stop', reason: text(frame, 'reason', true) ?? '' };
    default:
      return null;
  }
}
