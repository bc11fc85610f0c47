import { RecordingIO } from '@vr3/agent/testing';
import { describe, expect, it } from 'vitest';
import { CallEnding } from './call-ending.ts';
import { FAREWELL_INSTRUCTIONS, sayInstructions } from './instructions.ts';

const MULAW = { encoding: 'mulaw', sampleRate: 8000 } as const;

describe('CallEnding', () => {
  it('a tool whose response had audio: the mark goes after that response, then the hang-up, once; the first reason wins', () => {
    const ending = new CallEnding();
    expect(ending.pending).toBe(false);
    expect(ending.byTool('end_call', 'resp_1', true, {})).toBe(true);
    expect(ending.bySilence(false)).toBe(false);
    expect(ending.pending).toBe(true);
    expect(ending.responseDone('resp_other', true)).toEqual({ kind: 'none' });
    expect(ending.responseDone('resp_1', true)).toEqual({ kind: 'mark' });
    expect(ending.responseDone('resp_1', true)).toEqual({ kind: 'none' });
    const io = new RecordingIO(MULAW);
    ending.act(io);
    ending.act(io);
    expect(io.hangups).toEqual(['end_call']);
  });

  it('a tool response without audio asks for the last words (the configured ones, else a farewell), then marks them', () => {
    const transfer = new CallEnding();
    transfer.byTool('transfer_call', 'resp_1', false, { target: '+15550009', say: 'Transferring you.' });
    expect(transfer.responseDone('resp_1', true)).toEqual({ kind: 'ask', instructions: sayInstructions('Transferring you.') });
    transfer.created('resp_2');
    transfer.audio('resp_2');
    expect(transfer.responseDone('resp_2', true)).toEqual({ kind: 'mark' });
    const io = new RecordingIO(MULAW);
    transfer.act(io);
    expect(io.transfers).toEqual(['+15550009']);
    expect(io.hangups).toEqual([]);

    const bye = new CallEnding();
    bye.byTool('end_call', 'resp_1', false, {});
    expect(bye.responseDone('resp_1', true)).toEqual({ kind: 'ask', instructions: FAREWELL_INSTRUCTIONS });
    // The vendor session closed: nothing more can be asked, the mark goes at once.
    const closed = new CallEnding();
    closed.byTool('end_call', 'resp_1', false, {});
    expect(closed.responseDone('resp_1', false)).toEqual({ kind: 'mark' });
  });

  it('silence: after the asked-for goodbye, or at once; hangs up with the reason silence', () => {
    const asked = new CallEnding();
    asked.bySilence(true);
    asked.created('resp_bye');
    // An asked-for response is the last words whether it had audio or not: never asked twice.
    expect(asked.responseDone('resp_bye', true)).toEqual({ kind: 'mark' });
    const io = new RecordingIO(MULAW);
    asked.act(io);
    expect(io.hangups).toEqual(['silence']);

    const now = new CallEnding();
    now.bySilence(false);
    const other = new RecordingIO(MULAW);
    now.act(other);
    expect(other.hangups).toEqual(['silence']);
  });
});
