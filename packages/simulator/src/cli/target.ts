import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { accountQuery, providerDefaults } from '../provider-defaults.ts';
import { streamUrl } from '../setup.ts';

/** The `parseArgs` options naming the stream to call: a URL, or a product and agent, and the provider side. */
export const TARGET_OPTIONS = {
  url: { type: 'string' },
  product: { type: 'string' },
  agent: { type: 'string' },
  provider: { type: 'string', default: 'cloudonix' },
  account: { type: 'string' },
  format: { type: 'string' },
} as const;

/** The stream URL from `--url`, or built from `--product` + `--agent` with the provider's query parameters. */
export function resolveStreamUrl(values: { url?: string | undefined; product?: string | undefined; agent?: string | undefined }, provider: string, account: string): string {
  if (values.url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(values.url);
    } catch {
      throw new SimulatorError(SimulatorErrorCode.InvalidOption, '--url is not a URL');
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new SimulatorError(SimulatorErrorCode.InvalidOption, '--url must be ws:// or wss://');
    return values.url;
  }
  if (values.product === undefined || values.agent === undefined) {
    throw new SimulatorError(SimulatorErrorCode.InvalidOption, 'give --url, or --product and --agent');
  }
  // Cloudonix selects the configuration by `Domain`; the other providers by the account in `start`.
  return streamUrl(values.product, values.agent, provider, accountQuery(provider, account));
}

/** `--account`, else the provider's default account from {@link PROVIDER_DEFAULTS}. */
export function accountOf(provider: string, account: string | undefined): string {
  return account ?? providerDefaults(provider).account;
}
