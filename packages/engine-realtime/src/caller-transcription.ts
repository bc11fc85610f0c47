/**
 * The vendor's word on the caller's transcription, when it is on: a transcript of a caller turn
 * (`conversation.item.input_audio_transcription.completed`) or its failure (`….failed`, with the
 * vendor's code). The Realtime client passes both through as `other` events; this reads them. Pure.
 */

/** A caller turn's transcript, or why there is none. */
export type CallerTranscription = { ok: true; itemId: string; text: string } | { ok: false; vendorCode: string | undefined };

/** The caller transcription an `other` event carries, if any. */
export function callerTranscriptionOf(event: { type: string } & Record<string, unknown>): CallerTranscription | undefined {
  if (event.type === 'conversation.item.input_audio_transcription.completed') {
    const text = typeof event.transcript === 'string' ? event.transcript.trim() : '';
    return { ok: true, itemId: typeof event.item_id === 'string' ? event.item_id : '', text };
  }
  if (event.type === 'conversation.item.input_audio_transcription.failed') {
    const error = typeof event.error === 'object' && event.error !== null ? (event.error as { code?: unknown }) : {};
    return { ok: false, vendorCode: typeof error.code === 'string' ? error.code : undefined };
  }
  return undefined;
}
