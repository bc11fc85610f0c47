import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PROVIDER_API_DEFAULTS } from '../api/provider-api.ts';
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { providerDefaults } from '../provider-defaults.ts';
import { setupProduct } from '../setup.ts';
import { intOption, required } from './args.ts';

/** How long `setup` waits for the provider REST stand-in to answer, by default (it may have just been started). */
export const SETUP_PROVIDER_API_WAIT_MS = 10_000;

/**
 * Resolves once `url` answers HTTP at all (any status), retrying every 200 ms until `waitMs` passed;
 * then throws `provider_api_unreachable`. Calls would otherwise fail later, at session validation.
 */
async function waitForProviderApi(url: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      return;
    } catch (err) {
      if (Date.now() >= deadline) {
        throw new SimulatorError(
          SimulatorErrorCode.ProviderApiUnreachable,
          `the provider API at ${new URL(url).origin} does not answer (start it with: npx --no vr3-sim provider-api)`,
          { cause: err },
        );
      }
      await sleep(200);
    }
  }
}

/** `vr3-sim setup`: configuration (created or reused) first, then the echo agent; prints how to call it. */
export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      product: { type: 'string' },
      edge: { type: 'string' },
      'api-key': { type: 'string' },
      'provider-api': { type: 'string' },
      token: { type: 'string', default: PROVIDER_API_DEFAULTS.token },
      provider: { type: 'string', default: 'cloudonix' },
      account: { type: 'string' },
      domain: { type: 'string' },
      'url-only': { type: 'boolean', default: false },
      'wait-ms': { type: 'string' },
    },
    strict: true,
  });
  const defaults = providerDefaults(values.provider);
  const providerApiUrl = required('provider-api', values['provider-api']);
  const result = await setupProduct({
    productUrl: required('product', values.product),
    ...(values.edge === undefined ? {} : { edgeUrl: values.edge }),
    apiKey: required('api-key', values['api-key'] ?? process.env.VR3_API_KEY),
    providerApiUrl,
    token: values.token,
    provider: values.provider,
    account: values.account ?? values.domain ?? defaults.account,
  });
  await waitForProviderApi(providerApiUrl, intOption('wait-ms', values['wait-ms']) ?? SETUP_PROVIDER_API_WAIT_MS);
  if (values['url-only']) {
    process.stdout.write(`${result.streamUrl}\n`);
    return 0;
  }
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
