import { describe, expect, it } from 'vitest';
import { BotFrameError } from './errors.ts';
import { parseVr3BotFrame, parseVr3ServerFrame } from './vr3-protocol.ts';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof BotFrameError ? err.code : 'other';
  }
  return undefined;
};

describe('vr3 protocol', () => {
  it('reads every bot command', () => {
    expect(parseVr3BotFrame('{"event":"mark","name":"m"}')).toEqual({ event: 'mark', name: 'm' });
    expect(parseVr3BotFrame(Buffer.from('{"event":"clear"}'))).toEqual({ event: 'clear' });
    expect(parseVr3BotFrame('{"event":"hangup"}')).toEqual({ event: 'hangup' });
    expect(parseVr3BotFrame('{"event":"hangup","reason":"done"}')).toEqual({ event: 'hangup', reason: 'done' });
    expect(parseVr3BotFrame('{"event":"transfer","target":"+1555"}')).toEqual({ event: 'transfer', target: '+1555' });
    expect(parseVr3BotFrame('{"event":"set_context","values":{"a":1}}')).toEqual({ event: 'set_context', values: { a: 1 } });
    expect(parseVr3BotFrame('{"event":"event","data":{"k":"v"}}')).toEqual({ event: 'event', data: { k: 'v' } });
    expect(parseVr3BotFrame('{"event":"future_thing"}')).toBeNull();
  });

  it('refuses unusable bot frames', () => {
    for (const frame of ['x', '[]', '{}', '{"event":""}', '{"event":"mark"}', '{"event":"transfer","target":""}', '{"event":"set_context","values":[1]}', '{"event":"event","data":"x"}', '{"event":"hangup","reason":5}']) {
      expect(code(() => parseVr3BotFrame(frame)), frame).toBe('malformed_bot_frame');
    }
  });

  it('reads server frames (for bots in TypeScript) and checks the version', () => {
    const start = { event: 'start', version: 1, run_id: 'r', run_name: 'n', agent_uuid: 'u', provider: 'twilio', stream_id: 's', custom_parameters: {}, initial_context: {}, media_format: { encoding: 'pcm16le', sample_rate: 16000, channels: 1 } };
    expect(parseVr3ServerFrame(JSON.stringify(start))).toEqual(start);
    expect(code(() => parseVr3ServerFrame(JSON.stringify({ ...start, version: 2 })))).toBe('malformed_bot_frame');
    expect(parseVr3ServerFrame('{"event":"mark","name":"m","cleared":true}')).toEqual({ event: 'mark', name: 'm', cleared: true });
    expect(parseVr3ServerFrame('{"event":"stop","reason":"caller_hangup"}')).toEqual({ event: 'stop', reason: 'caller_hangup' });
  });
});
