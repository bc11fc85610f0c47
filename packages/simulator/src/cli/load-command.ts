import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getPeerFactory } from '../peers/registry.ts';
import { formatLoadResult } from '../load/report.ts';
import { runLoad } from '../load/run-load.ts';
import { choice, intOption, numberOption, parseFormat } from './args.ts';
import { providerDefaults } from '../provider-defaults.ts';
import { accountOf, resolveStreamUrl, TARGET_OPTIONS } from './target.ts';

/** `vr3-sim load`: exit 0 when the run passed. */
export async function loadCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...TARGET_OPTIONS,
      calls: { type: 'string', default: '10' },
      ramp: { type: 'string' },
      window: { type: 'string' },
      settle: { type: 'string' },
      probe: { type: 'string' },
      hangup: { type: 'string' },
      'max-p99': { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  getPeerFactory(values.provider);
  const account = accountOf(values.provider, values.account);
  const result = await runLoad({
    url: resolveStreamUrl(values, values.provider, account),
    provider: values.provider,
    account,
    format: parseFormat(values.format, providerDefaults(values.provider).l16Encoding),
    calls: intOption('calls', values.calls, 1) ?? 10,
    rampPerSecond: numberOption('ramp', values.ramp),
    windowMs: intOption('window', values.window, 100),
    settleMs: intOption('settle', values.settle),
    probeMs: intOption('probe', values.probe),
    hangup: choice('hangup', values.hangup, ['stop', 'close'] as const),
    maxP99Ms: numberOption('max-p99', values['max-p99']),
    onProgress: values.json ? undefined : (line) => process.stderr.write(`${line}\n`),
  });
  if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatLoadResult(result)}\n`);
  return result.pass ? 0 : 1;
}
