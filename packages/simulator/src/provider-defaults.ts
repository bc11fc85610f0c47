/**
 * The one table of what the simulator assumes per provider when nothing is given: the account a
 * call announces (and `setup` configures), where that account goes (stream URL or `start`), the
 * REST fields of a telephony configuration, and how the provider spells L16. `setup`, `call`,
 * `load`, `burst` and the help texts all read it, so `vr3-sim setup` followed by `vr3-sim call`
 * with no `--account` lands on the configuration `setup` made.
 */
import type { AudioEncoding } from '@vr3/protocol';
import { SimulatorError, SimulatorErrorCode } from './errors.ts';

/** Per-provider defaults of the simulator. */
export interface ProviderDefaults {
  /** The account used when no `--account` is given (Cloudonix: the domain). */
  readonly account: string;
  /** What the account is called in the provider's terms (for help texts). */
  readonly accountLabel: string;
  /** REST field of a telephony configuration holding the account. */
  readonly accountField: 'domain_id' | 'account_sid' | 'auth_id';
  /** Secret fields of a configuration; `setup` fills each with the stand-in's token (Exotel's `api_key` with `vr3-sim`). */
  readonly credentialFields: readonly string[];
  /** Stream URL query parameter carrying the account, or null when it travels in `start` only. */
  readonly accountQuery: string | null;
  /** What `--format L16/RATE` means for this provider (its inbound L16 byte order). */
  readonly l16Encoding: AudioEncoding;
}

/** Defaults of every provider `call` and `setup` play, in display order. */
export const PROVIDER_DEFAULTS = {
  cloudonix: { account: 'acme', accountLabel: 'Cloudonix domain', accountField: 'domain_id', credentialFields: ['bearer_token'], accountQuery: 'Domain', l16Encoding: 'pcm16le' },
  exotel: { account: 'exotel-test-account', accountLabel: 'Exotel account SID', accountField: 'account_sid', credentialFields: ['api_key', 'api_token'], accountQuery: null, l16Encoding: 'pcm16le' },
  twilio: { account: `AC${'0123456789abcdef'.repeat(2)}`, accountLabel: 'Twilio account SID', accountField: 'account_sid', credentialFields: ['auth_token'], accountQuery: null, l16Encoding: 'pcm16le' },
  vobiz: { account: 'MA_VOBIZTEST', accountLabel: 'Vobiz auth id', accountField: 'auth_id', credentialFields: ['auth_token'], accountQuery: null, l16Encoding: 'pcm16be' },
  plivo: { account: 'MAPLIVOTEST000000000', accountLabel: 'Plivo auth id', accountField: 'auth_id', credentialFields: ['auth_token'], accountQuery: null, l16Encoding: 'pcm16be' },
} as const satisfies Record<string, ProviderDefaults>;

/** A provider of {@link PROVIDER_DEFAULTS}. */
export type SimProvider = keyof typeof PROVIDER_DEFAULTS;

/** Every provider of {@link PROVIDER_DEFAULTS}, in display order. */
export const SIM_PROVIDERS = Object.keys(PROVIDER_DEFAULTS) as SimProvider[];

/** The defaults of `provider`; throws `unsupported_provider` for one outside the table. */
export function providerDefaults(provider: string): ProviderDefaults {
  if (!Object.hasOwn(PROVIDER_DEFAULTS, provider)) {
    throw new SimulatorError(SimulatorErrorCode.UnsupportedProvider, `unknown provider "${provider}" (known: ${SIM_PROVIDERS.join(', ')})`);
  }
  return PROVIDER_DEFAULTS[provider as SimProvider];
}

/** Stream URL query parameters that carry `account` for `provider` (Cloudonix: `Domain`; others none). */
export function accountQuery(provider: string, account: string): Record<string, string> {
  const field = providerDefaults(provider).accountQuery;
  return field === null ? {} : { [field]: account };
}

/** The help line of `--account`, generated from the table. */
export function accountHelp(): string {
  return SIM_PROVIDERS.map((p) => `${p} ${PROVIDER_DEFAULTS[p].account}`).join(', ');
}
