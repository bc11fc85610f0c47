import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getPeerFactory } from '../peers/registry.ts';
import { formatBurstResult } from '../load/burst-report.ts';
import { runBurst } from '../load/run-burst.ts';
import { choice, intOption, numberOption, parseFormat } from './args.ts';
import { providerDefaults } from '../provider-defaults.ts';
import { accountOf, resolveStreamUrl, TARGET_OPTIONS } from './target.ts';

/** `vr3-sim burst`: exit 0 when every call was admitted and echoed. */
export async function burstCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...TARGET_OPTIONS,
      calls: { type: 'string', default: '100' },
      over: { type: 'string', default: '1' },
      'call-seconds': { type: 'string' },
      'echo-timeout': { type: 'string' },
      hangup: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  getPeerFactory(values.provider);
  const account = accountOf(values.provider, values.account);
  // Several URLs (one per media-edge) take the calls in turn.
  const urls = values.url === undefined ? [resolveStreamUrl(values, values.provider, account)] : values.url.split(',').map((url) => resolveStreamUrl({ url }, values.provider, account));
  const over = values.over === '0' ? 0 : numberOption('over', values.over)!;
  const callSeconds = numberOption('call-seconds', values['call-seconds']);
  const hangup = choice('hangup', values.hangup, ['stop', 'close'] as const);
  const format = parseFormat(values.format, providerDefaults(values.provider).l16Encoding);
  const echoTimeoutMs = intOption('echo-timeout', values['echo-timeout'], 1);
  const result = await runBurst({
    urls,
    provider: values.provider,
    account,
    calls: intOption('calls', values.calls, 1) ?? 100,
    overMs: over * 1000,
    ...(format === undefined ? {} : { format }),
    ...(callSeconds === undefined ? {} : { callMs: Math.round(callSeconds * 1000) }),
    ...(echoTimeoutMs === undefined ? {} : { echoTimeoutMs }),
    ...(hangup === undefined ? {} : { hangup }),
    ...(values.json ? {} : { onProgress: (line: string) => void process.stderr.write(`${line}\n`) }),
  });
  if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatBurstResult(result)}\n`);
  return result.pass ? 0 : 1;
}
