import { describe, expect, it } from 'vitest';
import { VadErrorCode } from '../errors.ts';
import { createScriptedVad } from './scripted-vad.ts';
import { runVad } from './fixtures.ts';

describe('createScriptedVad', () => {
  it('reports the scripted intervals when the pushed audio reaches them, on the stream clock', async () => {
    const vad = createScriptedVad({ sampleRate: 8000, speech: [{ startMs: 100, endMs: 300 }, { startMs: 500, endMs: 900 }] });
    const got: Array<[number, string, number]> = [];
    for (let frame = 0; frame < 40; frame++) {
      for (const e of await vad.push(new Int16Array(160))) got.push([frame, e.type, e.atMs]);
    }
    // Frame k ends at 20(k + 1) ms: the push that passes a time reports it.
    expect(got).toEqual([
      [5, 'speech_start', 100],
      [14, 'speech_end', 300],
      [25, 'speech_start', 500],
    ]);
    expect(vad.speaking).toBe(true);
    // The audio ended at 800 ms, inside the second interval.
    expect(await vad.flush()).toEqual([{ type: 'speech_end', atMs: 800 }]);
    expect(vad.speaking).toBe(false);
  });

  it('rejects vad_closed after close', async () => {
    const vad = createScriptedVad({ sampleRate: 16000, speech: [] });
    expect(await runVad(vad, new Int16Array(3200))).toEqual([]);
    vad.close();
    await expect(vad.push(new Int16Array(320))).rejects.toMatchObject({ code: VadErrorCode.Closed });
  });
});
