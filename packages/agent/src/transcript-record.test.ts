import { describe, expect, it } from 'vitest';
import { fittedLine, MAX_TRANSCRIPT_CONTEXT_BYTES, TranscriptRecord } from './transcript-record.ts';

describe('TranscriptRecord', () => {
  it('keeps the transcript in order, and only its newest lines that fit one run event', () => {
    const record = new TranscriptRecord();
    record.line({ role: 'agent', text: 'Hi.', start_ms: 0, end_ms: 400 });
    record.line({ role: 'caller', text: 'hello', start_ms: 900, end_ms: 1300 });
    record.line({ role: 'agent', text: 'How can', start_ms: 1900, end_ms: 2500, interrupted: true, reply: 'How can I help?' });
    expect(record.transcriptContext()).toEqual({
      transcript: [
        { role: 'agent', text: 'Hi.', start_ms: 0, end_ms: 400 },
        { role: 'caller', text: 'hello', start_ms: 900, end_ms: 1300 },
        { role: 'agent', text: 'How can', start_ms: 1900, end_ms: 2500, interrupted: true, reply: 'How can I help?' },
      ],
    });
    const long = new TranscriptRecord();
    for (let i = 0; i < 400; i++) long.line({ role: i % 2 === 0 ? 'agent' : 'caller', text: `line ${i} ${'x'.repeat(90)}`, start_ms: i * 1000, end_ms: i * 1000 + 900 });
    const context = long.transcriptContext();
    expect(Buffer.byteLength(JSON.stringify(context))).toBeLessThanOrEqual(MAX_TRANSCRIPT_CONTEXT_BYTES);
    expect(context.transcript.at(-1)?.text).toMatch(/^line 399 /);
    expect(context.transcript_omitted).toBe(400 - context.transcript.length);
    expect(context.transcript_omitted).toBeGreaterThan(0);
  });

  it('leaves out the reply of an interrupted turn when the line would not fit one run event with it', () => {
    const heard = { role: 'agent' as const, text: 'Sure', start_ms: 10, end_ms: 900, interrupted: true as const };
    expect(fittedLine({ ...heard, reply: 'Sure, I can help.' })).toEqual({ ...heard, reply: 'Sure, I can help.' });
    expect(fittedLine({ ...heard, reply: `Sure ${'x'.repeat(MAX_TRANSCRIPT_CONTEXT_BYTES)}` })).toEqual(heard);
    const record = new TranscriptRecord();
    record.line(fittedLine({ ...heard, reply: `Sure ${'x'.repeat(MAX_TRANSCRIPT_CONTEXT_BYTES)}` }));
    expect(record.transcriptContext()).toEqual({ transcript: [heard] });
  });
});
