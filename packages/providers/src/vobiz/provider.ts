import { AudioEncoding } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import { PLIVO_STYLE_SETTINGS, PlivoStyleStreamAdapter } from '../plivo-style/stream-adapter.ts';
import type { ProviderDescriptor } from '../descriptor.ts';
import { vobizTelephony } from './telephony.ts';
import { plivoStyleParseCallback } from '../plivo-style/call-control.ts';
import { vobizAnswerDocument } from './answer-document.ts';
import { vobizAttachStream, vobizPlaceCall, vobizStopStream } from './call-control.ts';

/** Vobiz's `<Stream contentType>` default: `audio/x-l16;rate=8000`. */
export const VOBIZ_DEFAULT_FORMAT: MediaFormat = Object.freeze({ encoding: AudioEncoding.Pcm16Be, sampleRate: 8000 });

/**
 * Vobiz `<Stream bidirectional="true" keepCallAlive="true">`: `start` first (nested or flat),
 * L16 at 8/16/24 kHz or μ-law 8 kHz per `start`, `playAudio` / `checkpoint` → `playedStream` /
 * `clearAudio` → `clearedAudio`; the stream ends when the socket closes. The account is
 * `start.accountId` (the auth id), else the `AuthId` query parameter.
 */
export const vobizProvider: ProviderDescriptor<'vobiz'> = Object.freeze({
  name: 'vobiz',
  handshake: 'start-first',
  streamEnd: 'socket-close',
  accountSource: 'start',
  accountParams: Object.freeze(['AuthId', 'auth_id']),
  settings: PLIVO_STYLE_SETTINGS,
  createStreamAdapter: (): PlivoStyleStreamAdapter => new PlivoStyleStreamAdapter('vobiz', VOBIZ_DEFAULT_FORMAT),
  telephony: vobizTelephony,
  placeCall: vobizPlaceCall,
  attachStream: vobizAttachStream,
  stopStream: vobizStopStream,
  answerDocument: vobizAnswerDocument,
  parseCallback: plivoStyleParseCallback,
});
