import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROVIDER_DEFAULTS, SIM_PROVIDERS } from '../provider-defaults.ts';
import { parseFormat } from './args.ts';
import { callFailed, urlFormat } from './call-command.ts';
import { main } from './main.ts';
import { COMMANDS, providersTable } from './usage.ts';

let out: string;
let err: string;
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('vr3-sim --help', () => {
  for (const command of COMMANDS) {
    it(`${command} --help exits 0 with its usage`, async () => {
      expect(await main([command, '--help'])).toBe(0);
      expect(out).toContain(`vr3-sim ${command}`);
      expect(err).toBe('');
    });
  }

  it('-h, help COMMAND and the global --help work too', async () => {
    expect(await main(['setup', '-h'])).toBe(0);
    expect(await main(['help', 'call'])).toBe(0);
    expect(await main(['--help'])).toBe(0);
    for (const command of COMMANDS) expect(out).toContain(`vr3-sim ${command}`);
  });

  it('an unknown option, or no command, is still bad usage (exit 2)', async () => {
    expect(await main(['setup', '--nope'])).toBe(2);
    expect(await main([])).toBe(2);
  });
});

describe('the defaults table drives the help texts', () => {
  it('call and setup help list every provider and its default account; no hidden default remains', async () => {
    await main(['call', '--help']);
    await main(['setup', '--help']);
    for (const p of SIM_PROVIDERS) expect(out).toContain(PROVIDER_DEFAULTS[p].account);
    expect(out).not.toContain('default acme)');
  });

  it('providers tells what call, setup and load each support, and load speaks every provider call does', () => {
    const table = providersTable();
    expect(table.split('\n')[0]).toMatch(/provider\s+call\s+setup\s+load\/burst\s+default account/);
    expect(table).toMatch(/^cloudonix\s+yes\s+yes\s+yes\s+acme$/m);
    for (const p of SIM_PROVIDERS) expect(table).toMatch(new RegExp(`^${p}\\s+yes\\s+yes\\s+yes\\s+${PROVIDER_DEFAULTS[p].account}$`, 'm'));
  });
});

describe('--format', () => {
  it('accepts L16 in any case, as the provider spells it', () => {
    expect(parseFormat('L16/16000')).toEqual({ encoding: 'pcm16le', sampleRate: 16000 });
    expect(parseFormat('l16/8000', PROVIDER_DEFAULTS.vobiz.l16Encoding)).toEqual({ encoding: 'pcm16be', sampleRate: 8000 });
    expect(parseFormat('MULAW/8000')).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    expect(parseFormat('PCMU/8000')).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    expect(() => parseFormat('L24/8000')).toThrow(/--format/);
  });
});

describe("Exotel's sample-rate URL parameter", () => {
  it('sets the wire format of an Exotel call when --format is absent', () => {
    expect(urlFormat('exotel', 'ws://h/api/v1/agent-stream/u?provider=exotel&sample-rate=16000')).toEqual({ encoding: 'pcm16le', sampleRate: 16000 });
    expect(urlFormat('exotel', 'ws://h/api/v1/agent-stream/exotel/u?sample-rate=24000')).toEqual({ encoding: 'pcm16le', sampleRate: 24000 });
    expect(urlFormat('exotel', 'ws://h/api/v1/agent-stream/u?provider=exotel')).toBeUndefined();
    expect(urlFormat('twilio', 'ws://h/api/v1/agent-stream/u?sample-rate=16000')).toBeUndefined();
  });
});

describe('a failed call', () => {
  const good = { firstAudioMs: 100, close: { code: 1000, reason: '' }, invalidFrames: 0 };
  it('is one with no audio back, no close, a close other than 1000, or invalid frames', () => {
    expect(callFailed(good)).toBe(false);
    expect(callFailed({ ...good, firstAudioMs: null })).toBe(true);
    expect(callFailed({ ...good, close: null })).toBe(true);
    expect(callFailed({ ...good, close: { code: 4404, reason: 'agent not found' } })).toBe(true);
    expect(callFailed({ ...good, close: { code: 1011, reason: '' } })).toBe(true);
    expect(callFailed({ ...good, invalidFrames: 1 })).toBe(true);
  });
});
