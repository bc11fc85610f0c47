import { parseArgs } from 'node:util';
import { BRIDGE_PROTOCOLS } from '@vr3/engine-bridge';
import { startTestBot } from '@vr3/engine-bridge/testing';
import type { TestBot, TestBotConnection } from '@vr3/engine-bridge/testing';
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { choice, intOption, required } from './args.ts';

/** Options of {@link botCommand} for callers other than the command line. */
export interface BotCommandOptions {
  /** Stops the bot (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
}

/**
 * `vr3-sim bot`: a small bot for the `bridge` engine on a real port — `echo` plays the caller
 * back and hangs up on `#`, `listen` only listens — speaking `--protocol`. Prints the URL and the
 * engine configuration to use, then one line per call event (never audio, never phone numbers).
 */
export async function botCommand(argv: string[], options: BotCommandOptions = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      protocol: { type: 'string' },
      port: { type: 'string', default: '9091' },
      host: { type: 'string', default: '127.0.0.1' },
      mode: { type: 'string', default: 'echo' },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const protocol = choice('protocol', required('protocol', values.protocol), BRIDGE_PROTOCOLS)!;
  const mode = choice('mode', values.mode, ['echo', 'listen'] as const) ?? 'echo';
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const port = intOption('port', values.port) ?? 9091;
  let bot: TestBot;
  try {
    bot = await startTestBot({ protocol, mode, host: values.host, port, record: false });
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    throw new SimulatorError(SimulatorErrorCode.InvalidOption, `cannot listen on ${values.host}:${port} (${code})`, { cause: err });
  }
  const config = { type: 'bridge', url: bot.url, protocol };
  write(`bridge test bot (${protocol}, ${mode}) listening on ${bot.url}`);
  write(`  agent engine configuration: ${JSON.stringify(config)}`);
  if (mode === 'echo') write('  it plays the caller back; press # on the call to make it hang up');
  let calls = 0;
  bot.onConnection((conn) => {
    const n = ++calls;
    if (!values.quiet) follow(conn, n, write);
  });
  await new Promise<void>((resolve) => {
    if (options.signal) {
      if (options.signal.aborted) return resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await bot.close();
  return 0;
}

/** One line per event of call `n`: the start, key presses, marks, clears, the stop and the close. */
function follow(conn: TestBotConnection, n: number, write: (line: string) => void): void {
  const openedAt = performance.now();
  let audioBytes = 0;
  const at = (): string => `${(performance.now() - openedAt).toFixed(0).padStart(6)} ms`;
  write(`call ${n}: connected`);
  conn.onEvent((e) => {
    switch (e.type) {
      case 'start':
        write(`call ${n}: ${at()} start stream=${e.streamId} format=${e.mediaFormat.encoding}/${e.mediaFormat.sampleRate} run=${e.customParameters.run_name ?? String(e.metadata.run_name ?? '-')}`);
        return;
      case 'media':
        audioBytes += e.payload.length;
        return;
      case 'dtmf':
        write(`call ${n}: ${at()} dtmf ${e.digit}`);
        return;
      case 'mark':
        write(`call ${n}: ${at()} mark ${e.name} played`);
        return;
      case 'cleared':
        write(`call ${n}: ${at()} cleared`);
        return;
      case 'stop':
        write(`call ${n}: ${at()} stop${e.reason ? ` ${e.reason}` : ''}`);
        return;
      case 'connected':
        return;
    }
  });
  conn.onClose((info) => {
    const format = conn.start?.mediaFormat;
    const bytesPerMs = format ? (format.sampleRate / 1000) * (format.encoding === 'mulaw' || format.encoding === 'alaw' ? 1 : 2) : 0;
    const heard = bytesPerMs > 0 ? Math.round(audioBytes / bytesPerMs) : 0;
    write(`call ${n}: ${at()} closed ${info.code}${info.reason ? ` "${info.reason}"` : ''} after ${heard} ms of caller audio`);
  });
}
