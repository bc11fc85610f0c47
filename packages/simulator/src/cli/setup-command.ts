import { parseArgs } from 'node:util';
import { PROVIDER_API_DEFAULTS } from '../api/provider-api.ts';
import { setupProduct } from '../setup.ts';
import { required } from './args.ts';

/** `vr3-sim setup`. */
export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      product: { type: 'string' },
      'api-key': { type: 'string' },
      'provider-api': { type: 'string' },
      token: { type: 'string', default: PROVIDER_API_DEFAULTS.token },
      domain: { type: 'string', default: 'acme' },
    },
    strict: true,
  });
  const result = await setupProduct({
    productUrl: required('product', values.product),
    apiKey: required('api-key', values['api-key'] ?? process.env.VR3_API_KEY),
    providerApiUrl: required('provider-api', values['provider-api']),
    token: values.token,
    domain: values.domain,
  });
  process.stdout.write(
    `agent ${result.agentUuid}\nconfiguration ${result.configurationId}\nstream URL (keep it secret: the agent UUID authorizes the stream)\n  ${result.streamUrl}\n`,
  );
  return 0;
}
