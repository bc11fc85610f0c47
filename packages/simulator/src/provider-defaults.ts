/**
 * What the simulator assumes per provider when nothing is given: the account a call announces (and
 * `setup` configures: the stand-in's test account), where that account goes (stream URL or
 * `start`), the REST fields of a telephony configuration (all three from the provider's descriptor
 * in `@vr3/providers`), and what only the simulator needs (a label, how the provider spells L16).
 * `setup`, `call`, `load`, `burst` and the help texts all read it, so `vr3-sim setup` followed by
 * `vr3-sim call` with no `--account` lands on the configuration `setup` made.
 */
import type { AudioEncoding } from '@vr3/protocol';
import { getProvider, isProviderName, PROVIDER_NAMES, type ProviderName } from '@vr3/providers';
import { STAND_IN_ROUTES } from '@vr3/providers/testing';
import { SimulatorError, SimulatorErrorCode } from './errors.ts';

/** Per-provider defaults of the simulator. */
export interface ProviderDefaults {
  /** The account used when no `--account` is given (Cloudonix: the domain). */
  readonly account: string;
  /** What the account is called in the provider's terms (for help texts). */
  readonly accountLabel: string;
  /** REST field of a telephony configuration holding the account. */
  readonly accountField: string;
  /** Secret fields of a configuration; `setup` fills each with the stand-in's token (Exotel's `api_key` with `vr3-sim`). */
  readonly credentialFields: readonly string[];
  /** Stream URL query parameter carrying the account, or null when it travels in `start` only. */
  readonly accountQuery: string | null;
  /** What `--format L16/RATE` means for this provider (its inbound L16 byte order). */
  readonly l16Encoding: AudioEncoding;
}

/** What only the simulator knows of each provider; the rest comes from the provider's descriptor. */
const SIMULATOR_ONLY: Readonly<Record<ProviderName, Pick<ProviderDefaults, 'accountLabel' | 'l16Encoding'>>> = {
  cloudonix: { accountLabel: 'Cloudonix domain', l16Encoding: 'pcm16le' },
  exotel: { accountLabel: 'Exotel account SID', l16Encoding: 'pcm16le' },
  twilio: { accountLabel: 'Twilio account SID', l16Encoding: 'pcm16le' },
  vobiz: { accountLabel: 'Vobiz auth id', l16Encoding: 'pcm16be' },
  plivo: { accountLabel: 'Plivo auth id', l16Encoding: 'pcm16be' },
};

function defaultsOf(provider: ProviderName): ProviderDefaults {
  const descriptor = getProvider(provider);
  return Object.freeze({
    account: STAND_IN_ROUTES[provider].testAccount,
    accountField: descriptor.telephony.accountField,
    credentialFields: descriptor.telephony.credentialFields,
    accountQuery: descriptor.accountSource === 'query' ? (descriptor.accountParams[0] ?? null) : null,
    ...SIMULATOR_ONLY[provider],
  });
}

/** Defaults of every provider `call` and `setup` play, in registration order. */
export const PROVIDER_DEFAULTS: Readonly<Record<ProviderName, ProviderDefaults>> = Object.freeze(
  Object.fromEntries(PROVIDER_NAMES.map((p) => [p, defaultsOf(p)])) as Record<ProviderName, ProviderDefaults>,
);

/** A provider of {@link PROVIDER_DEFAULTS}. */
export type SimProvider = ProviderName;

/** Every provider of {@link PROVIDER_DEFAULTS}, in registration order. */
export const SIM_PROVIDERS: readonly SimProvider[] = PROVIDER_NAMES;

/** The defaults of `provider`; throws `unsupported_provider` for one outside the table. */
export function providerDefaults(provider: string): ProviderDefaults {
  if (!isProviderName(provider)) {
    throw new SimulatorError(SimulatorErrorCode.UnsupportedProvider, `unknown provider "${provider}" (known: ${SIM_PROVIDERS.join(', ')})`);
  }
  return PROVIDER_DEFAULTS[provider];
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
