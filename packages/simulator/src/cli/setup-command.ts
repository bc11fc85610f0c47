import { parseArgs } from 'node:util';
import { PROVIDER_API_DEFAULTS } from '../api/provider-api.ts';
import { providerDefaults } from '../provider-defaults.ts';
import { setupProduct } from '../setup.ts';
import { required } from './args.ts';

/** `vr3-sim setup`: configuration (created or reused) first, then the echo agent; prints how to call it. */
export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      product: { type: 'string' },
      'api-key': { type: 'string' },
      'provider-api': { type: 'string' },
      token: { type: 'string', default: PROVIDER_API_DEFAULTS.token },
      provider: { type: 'string', default: 'cloudonix' },
      account: { type: 'string' },
      domain: { type: 'string' },
    },
    strict: true,
  });
  const defaults = providerDefaults(values.provider);
  const result = await setupProduct({
    productUrl: required('product', values.product),
    apiKey: required('api-key', values['api-key'] ?? process.env.VR3_API_KEY),
    providerApiUrl: required('provider-api', values['provider-api']),
    token: values.token,
    provider: values.provider,
    account: values.account ?? values.domain ?? defaults.account,
  });
  const reused = (yes: boolean): string => (yes ? ' (existing, reused)' : ' (created)');
  const flags = `${result.provider === 'cloudonix' ? '' : ` --provider ${result.provider}`}${result.account === defaults.account ? '' : ` --account ${result.account}`}`;
  process.stdout.write(
    `configuration ${result.configurationId}${reused(result.configurationReused)}: ${result.provider}, ${defaults.accountLabel} ${result.account}\n` +
      `agent ${result.agentUuid}${reused(result.agentReused)}\n` +
      `stream URL (keep it secret: the agent UUID authorizes the stream)\n  ${result.streamUrl}\n` +
      `call it with\n  npx --no vr3-sim call --url '${result.streamUrl}'${flags}\n` +
      `  (account ${result.account}${result.account === defaults.account ? ', the default: no --account needed' : ''})\n`,
  );
  return 0;
}
