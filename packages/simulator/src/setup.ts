/**
 * Points a running product at the simulator: a telephony configuration whose `api_base_url` is the
 * provider REST stand-in, then an agent (echo unless an engine is given), through the product's
 * REST API. Idempotent: a configuration that already exists for the provider and account (409
 * `configuration_exists`) is reused when it points at the same stand-in, and the agent is found by
 * its name before one is created, so a re-run prints the same stream URL and leaves nothing behind.
 * The agent is created only after the configuration step succeeded.
 */
import { getProvider, isProviderName } from '@vr3/providers';
import { STAND_IN_ROUTES } from '@vr3/providers/testing';
import { SimulatorError, SimulatorErrorCode } from './errors.ts';
import { accountQuery, providerDefaults, type ProviderDefaults } from './provider-defaults.ts';

/** Options of {@link setupProduct}. */
export interface SetupOptions {
  /** Product base URL, e.g. http://127.0.0.1:8080: its REST API. */
  productUrl: string;
  /**
   * Base URL of the Agent Stream endpoint the stream URL is built on, when it is not `productUrl`
   * (distributed mode: the media-edge, e.g. ws://127.0.0.1:8080, while the REST API is the control-plane's).
   */
  edgeUrl?: string;
  apiKey: string;
  /** Base URL of the provider REST stand-in. */
  providerApiUrl: string;
  /** Credential the stand-in accepts. */
  token: string;
  /** Provider of the configuration (a key of `PROVIDER_DEFAULTS`). Default `cloudonix`. */
  provider?: string;
  /** The account to configure (Cloudonix: the domain). Default: the provider's in `PROVIDER_DEFAULTS`. */
  account?: string;
  /** @deprecated Cloudonix domain; use `account`. */
  domain?: string;
  /** DTMF digit that makes the echo agent hang up. Default `#`. */
  hangupDigit?: string;
  /** PCM16 rate of the echo agent (the product's default, 16 kHz, when absent). */
  echoSampleRate?: 8000 | 16000 | 24000 | 48000;
  /** The agent's engine configuration instead of the echo agent (e.g. a `bridge` to a local bot). */
  engine?: Record<string, unknown>;
}

/** What {@link setupProduct} created or reused. */
export interface SetupResult {
  agentUuid: string;
  configurationId: string;
  provider: string;
  /** The account configured; `vr3-sim call` uses the same one when `--account` is not given. */
  account: string;
  /** The configuration already existed and was reused. */
  configurationReused: boolean;
  /** An agent of the same name already existed and was reused. */
  agentReused: boolean;
  /** Agent Stream URL for the provider (ws://…), with the query parameters it needs. */
  streamUrl: string;
}

/** Builds the Agent Stream URL of `agentUuid` on a product (or media-edge) base URL: http(s):// or ws(s)://. */
export function streamUrl(productUrl: string, agentUuid: string, provider: string, query: Record<string, string>): string {
  const base = new URL(productUrl);
  base.protocol = base.protocol === 'https:' || base.protocol === 'wss:' ? 'wss:' : 'ws:';
  base.pathname = `/api/v1/agent-stream/${encodeURIComponent(agentUuid)}`;
  base.search = new URLSearchParams({ provider, ...query }).toString();
  return base.toString();
}

interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function call(o: SetupOptions, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  let res: Response;
  try {
    res = await fetch(new URL(`/api/v1${path}`, o.productUrl), {
      method,
      headers: { authorization: `Bearer ${o.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new SimulatorError(SimulatorErrorCode.ProductApi, `cannot reach the product at ${new URL(o.productUrl).origin}`, { cause: err });
  }
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = {};
  }
  return { status: res.status, body: parsed };
}

const errorCode = (res: ApiAnswer): string | undefined => {
  const code = (res.body.error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** The configuration's secret fields, each the stand-in's token (a field that is a user name, as Exotel's `api_key`, `vr3-sim`). */
function credentials(provider: string, d: ProviderDefaults, token: string): Record<string, string> {
  const userField = isProviderName(provider) ? STAND_IN_ROUTES[provider].auth.user : undefined;
  return Object.fromEntries(d.credentialFields.map((f) => [f, f === userField ? 'vr3-sim' : token]));
}

/** The account as the product stores it, to find an existing configuration. */
function canonicalAccount(provider: string, account: string): string {
  const { accountLabel } = providerDefaults(provider); // throws unsupported_provider for an unknown one
  try {
    return getProvider(provider)!.telephony.normalizeAccount(account);
  } catch (err) {
    throw new SimulatorError(SimulatorErrorCode.InvalidOption, `"${account}" is not a valid ${accountLabel}`, { cause: err });
  }
}

const sameUrl = (a: unknown, b: string): boolean => typeof a === 'string' && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** Creates the configuration, or finds the existing one of the provider and account (409). */
async function ensureConfiguration(o: SetupOptions, provider: string, account: string): Promise<{ id: string; reused: boolean }> {
  const d = providerDefaults(provider);
  const created = await call(o, 'POST', '/telephony-configurations', {
    provider,
    name: `vr3-sim ${provider} ${account}`,
    [d.accountField]: account,
    ...credentials(provider, d, o.token),
    api_base_url: o.providerApiUrl,
  });
  if (created.status === 201 && typeof created.body.id === 'string') return { id: created.body.id, reused: false };
  if (created.status !== 409 || errorCode(created) !== 'configuration_exists') throw apiError('telephony configuration', created);
  const list = await call(o, 'GET', '/telephony-configurations');
  if (list.status !== 200 || !Array.isArray(list.body.data)) throw apiError('telephony configuration list', list);
  const wanted = canonicalAccount(provider, account);
  const existing = (list.body.data as Array<Record<string, unknown>>).find((c) => c.provider === provider && c[d.accountField] === wanted);
  if (!existing || typeof existing.id !== 'string') throw apiError('telephony configuration', created);
  if (!sameUrl(existing.api_base_url, o.providerApiUrl)) {
    throw new SimulatorError(
      SimulatorErrorCode.ProductApi,
      `a ${provider} configuration for ${account} already exists with api_base_url ${String(existing.api_base_url)}; ` +
        `pass another --account, or delete configuration ${existing.id}`,
    );
  }
  return { id: existing.id, reused: true };
}

/** Finds the live agent named `name` (when `reuse`), or creates it. */
async function ensureAgent(o: SetupOptions, name: string, engine: Record<string, unknown>, reuse: boolean): Promise<{ uuid: string; reused: boolean }> {
  if (reuse) {
    const list = await call(o, 'GET', `/agents?name=${encodeURIComponent(name)}`);
    if (list.status !== 200 || !Array.isArray(list.body.data)) throw apiError('agent list', list);
    const existing = (list.body.data as Array<Record<string, unknown>>).find((a) => a.name === name && a.archived !== true);
    if (existing && typeof existing.uuid === 'string') return { uuid: existing.uuid, reused: true };
  }
  const agent = await call(o, 'POST', '/agents', { name, engine });
  if (agent.status !== 201 || typeof agent.body.uuid !== 'string') throw apiError('agent', agent);
  return { uuid: agent.body.uuid, reused: false };
}

/** Configures the product for `provider` (configuration first, then the agent); throws `product_api` with the product's error code. */
export async function setupProduct(o: SetupOptions): Promise<SetupResult> {
  const provider = o.provider ?? 'cloudonix';
  const account = o.account ?? o.domain ?? providerDefaults(provider).account;
  const engine = o.engine ?? { type: 'echo', hangup_dtmf: o.hangupDigit ?? '#', ...(o.echoSampleRate ? { sample_rate: o.echoSampleRate } : {}) };
  const config = await ensureConfiguration(o, provider, account);
  // The echo agent is named after what it is for, so that a re-run finds it; a custom engine always gets a new agent.
  const agent = o.engine
    ? await ensureAgent(o, `vr3-sim ${String(engine.type)}`, engine, false)
    : await ensureAgent(o, `vr3-sim echo (${provider} ${account}, hangup ${String(engine.hangup_dtmf)}${o.echoSampleRate ? `, ${o.echoSampleRate} Hz` : ''})`, engine, true);
  return {
    agentUuid: agent.uuid,
    configurationId: config.id,
    provider,
    account,
    configurationReused: config.reused,
    agentReused: agent.reused,
    streamUrl: streamUrl(o.edgeUrl ?? o.productUrl, agent.uuid, provider, accountQuery(provider, account)),
  };
}

function apiError(what: string, res: ApiAnswer): SimulatorError {
  const code = errorCode(res);
  const hint = res.status === 422 && what === 'telephony configuration' ? ' (an http:// provider URL needs VR3_ALLOW_INSECURE_PROVIDER_URLS=true on the product)' : '';
  return new SimulatorError(SimulatorErrorCode.ProductApi, `creating the ${what} failed: HTTP ${res.status} ${code ?? ''}${hint}`);
}
