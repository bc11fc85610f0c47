import { parseArgs } from 'node:util';
import { startProviderApi } from '../api/provider-api.ts';
import { intOption } from './args.ts';

/** `vr3-sim provider-api`: runs until SIGINT/SIGTERM. */
export async function providerApiCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '9090' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      strict: { type: 'boolean', default: false },
      'delay-ms': { type: 'string' },
      'ring-ms': { type: 'string' },
      'hold-ms': { type: 'string' },
      'max-stream-ms': { type: 'string' },
      busy: { type: 'string', multiple: true },
      'no-answer': { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const api = await startProviderApi({
    host: values.host,
    port: intOption('port', values.port) ?? 9090,
    ...(values.token === undefined ? {} : { token: values.token }),
    strict: values.strict,
    delayMs: intOption('delay-ms', values['delay-ms']) ?? 0,
    dialBack: {
      outcome: (to) => (values.busy?.includes(to) ? 'busy' : values['no-answer']?.includes(to) ? 'no-answer' : 'answer'),
      ringMs: intOption('ring-ms', values['ring-ms']),
      holdMs: intOption('hold-ms', values['hold-ms']),
    },
    streamBack: { maxStreamMs: intOption('max-stream-ms', values['max-stream-ms']) },
    onRequest: values.quiet
      ? undefined
      : (r) =>
          process.stdout.write(
            `${new Date().toISOString()}  ${r.method.padEnd(6)} ${String(r.status)}  ${r.provider ?? '-'} ${r.operation ?? '-'}  account=${r.account ?? '-'} call=${r.call ?? '-'}${r.authorized ? '' : '  (unauthorized)'}\n`,
          ),
  });
  process.stdout.write(
    `provider API stand-in listening on ${api.url}\n` +
      `  credential: ${api.token} (Bearer token / Basic password / X-Auth-Token)\n` +
      `  calls: ${values.strict ? 'only those registered with POST /_sim/calls' : 'every call is live until hung up'}\n` +
      `  requests: GET ${api.url}/_sim/requests\n` +
      `  placed calls: answered on their stream, hung up after ${values['hold-ms'] ?? 1000} ms (--busy / --no-answer NUMBER script others)\n` +
      `  attached streams (vobiz, plivo): opened to their service_url, stopped by DELETE or after ${values['max-stream-ms'] ?? 60000} ms\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await api.close();
  return 0;
}
