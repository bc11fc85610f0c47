import { AudioEncoding } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import { PLIVO_STYLE_SETTINGS, PlivoStyleStreamAdapter } from '../plivo-style/stream-adapter.ts';
import type { ProviderDescriptor } from '../descriptor.ts';
import { plivoTelephony } from './telephony.ts';
import { plivoStyleParseCallback } from '../plivo-style/call-control.ts';
import { plivoAnswerDocument } from './answer-document.ts';
import { plivoAttachStream, plivoPlaceCall, plivoStopStream } from './call-control.ts';

/** Plivo's `<Stream contentType>` default: `audio/x-l16;rate=8000`. */
export const PLIVO_DEFAULT_FORMAT: MediaFormat = Object.freeze({ encoding: AudioEncoding.Pcm16Be, sampleRate: 8000 });

/**
 * Plivo `<Stream bidirectional="true" keepCallAlive="true">`: `start` first, μ-law 8 kHz (or L16
 * 8/16 kHz) per `start.mediaFormat`, `playAudio` / `checkpoint` → `playedStream` / `clearAudio` →
 * `clearedAudio`, `dtmf`; the stream ends when the socket closes. The account is `start.accountId`
 * (the auth id), else the `AuthId` query parameter. L16 byte order follows the Vobiz settings
 * (Vobiz is Plivo-derived; Plivo documents none).
 */
export const plivoProvider: ProviderDescriptor<'plivo'> = Object.freeze({
  name: 'plivo',
  handshake: 'start-first',
  streamEnd: 'socket-close',
  accountSource: 'start',
  accountParams: Object.freeze(['AuthId', 'auth_id']),
  settings: PLIVO_STYLE_SETTINGS,
  createStreamAdapter: (): PlivoStyleStreamAdapter => new PlivoStyleStreamAdapter('plivo', PLIVO_DEFAULT_FORMAT),
  telephony: plivoTelephony,
  placeCall: plivoPlaceCall,
  attachStream: plivoAttachStream,
  stopStream: plivoStopStream,
  answerDocument: plivoAnswerDocument,
  parseCallback: plivoStyleParseCallback,
});
