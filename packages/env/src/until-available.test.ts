import { describe, expect, it } from 'vitest';
import { hostOf, isConnectionFailure, untilAvailable } from './until-available.ts';

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function recordingLogger() {
  const lines: Array<{ level: 'info' | 'warn'; obj: Record<string, unknown>; msg: string }> = [];
  return {
    lines,
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
  };
}

describe('untilAvailable', () => {
  it('retries a retryable failure with a doubling pause, logging each wait and the recovery', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const result = await untilAvailable(
      async () => {
        calls += 1;
        if (calls < 4) throw refused();
        return 'up';
      },
      { dependency: 'postgresql', target: '127.0.0.1:5432', logger, retryable: (err) => isConnectionFailure(err), initialDelayMs: 2, maxDelayMs: 5 },
    );
    expect(result).toBe('up');
    expect(calls).toBe(4);
    expect(logger.lines.map((l) => [l.level, l.msg, l.obj.attempt ?? l.obj.attempts, l.obj.retry_in_ms])).toEqual([
      ['warn', 'dependency unavailable, retrying', 1, 2],
      ['warn', 'dependency unavailable, retrying', 2, 4],
      ['warn', 'dependency unavailable, retrying', 3, 5],
      ['info', 'dependency available', 4, undefined],
    ]);
    expect(logger.lines[0]!.obj).toMatchObject({ dependency: 'postgresql', target: '127.0.0.1:5432', error: { code: 'ECONNREFUSED' } });
  });

  it('logs nothing when the first attempt succeeds', async () => {
    const logger = recordingLogger();
    expect(await untilAvailable(async () => 1, { dependency: 'nats', target: 'x', logger })).toBe(1);
    expect(logger.lines).toEqual([]);
  });

  it('throws a failure waiting cannot cure at once', async () => {
    const logger = recordingLogger();
    const denied = Object.assign(new Error('password authentication failed'), { code: '28P01' });
    let calls = 0;
    const attempt = async (): Promise<never> => {
      calls += 1;
      throw denied;
    };
    await expect(untilAvailable(attempt, { dependency: 'postgresql', target: 'x', logger, retryable: (err) => isConnectionFailure(err), initialDelayMs: 1 })).rejects.toBe(denied);
    expect(calls).toBe(1);
    expect(logger.lines).toEqual([]);
  });

  it('an abort ends the pause at once and rejects with the last failure', async () => {
    const logger = recordingLogger();
    const controller = new AbortController();
    const failure = refused();
    const started = performance.now();
    const waiting = untilAvailable(
      async () => {
        throw failure;
      },
      { dependency: 'nats', target: 'x', logger, initialDelayMs: 60_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(waiting).rejects.toBe(failure);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(logger.lines).toHaveLength(1);
  });
});

describe('isConnectionFailure and hostOf', () => {
  it('finds a connection failure in the cause chain and in an AggregateError, and nothing else', () => {
    expect(isConnectionFailure(new Error('wrapped', { cause: refused() }))).toBe(true);
    expect(isConnectionFailure(new AggregateError([new Error('a'), refused()]))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('starting'), { code: '57P03' }), ['57P03'])).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('no db'), { code: '3D000' }))).toBe(false);
    expect(isConnectionFailure('ECONNREFUSED')).toBe(false);
  });

  it('gives the host and port without credentials, path or query', () => {
    expect(hostOf('postgresql://user:secret@db.internal:5432/vr3?sslmode=require')).toBe('db.internal:5432');
    expect(hostOf('nats://token@127.0.0.1:4222')).toBe('127.0.0.1:4222');
    expect(hostOf('user:secret@127.0.0.1:4222')).toBe('127.0.0.1:4222');
  });
});
