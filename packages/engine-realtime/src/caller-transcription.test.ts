import { describe, expect, it } from 'vitest';
import { callerTranscriptionOf } from './caller-transcription.ts';

describe('callerTranscriptionOf', () => {
  it('reads a transcript, a failure, and nothing else', () => {
    expect(callerTranscriptionOf({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_1', transcript: ' No. ' })).toEqual({
      ok: true,
      itemId: 'item_1',
      text: 'No.',
    });
    expect(callerTranscriptionOf({ type: 'conversation.item.input_audio_transcription.completed' })).toEqual({ ok: true, itemId: '', text: '' });
    expect(callerTranscriptionOf({ type: 'conversation.item.input_audio_transcription.failed', error: { code: 'audio_unintelligible' } })).toEqual({
      ok: false,
      vendorCode: 'audio_unintelligible',
    });
    expect(callerTranscriptionOf({ type: 'conversation.item.input_audio_transcription.failed', error: null })).toEqual({ ok: false, vendorCode: undefined });
    expect(callerTranscriptionOf({ type: 'rate_limits.updated' })).toBeUndefined();
  });
});
