/**
 * Points a running product at the simulator: creates an agent (echo unless an engine is given) and a telephony configuration
 * whose `api_base_url` is the provider REST stand-in, through the product's REST API.
 */
import { SimulatorError, SimulatorErrorCode } from './errors.ts';

/** Options of {@link setupProduct}. */
export interface SetupOptions {
  /** Product base URL, e.g. http://127.0.0.1:8080. */
  productUrl: string;
  apiKey: string;
  /** Base URL of the provider REST stand-in. */
  providerApiUrl: string;
  /** Credential the stand-in accepts. */
  token: string;
  /** Provider of the configuration. Only cloudonix today. */
  provider?: string;
  /** Cloudonix domain. Default `acme`. */
  domain?: string;
  /** DTMF digit that makes the echo agent hang up. Default `#`. */
  hangupDigit?: string;
  /** PCM16 rate of the echo agent (the product's default, 16 kHz, when absent). */
  echoSampleRate?: 8000 | 16000 | 24000 | 48000;
  /** The agent's engine configuration instead of the echo agent (e.g. a `bridge` to a local bot). */
  engine?: Record<string, unknown>;
}

/** What {@link setupProduct} created. */
export interface SetupResult {
  agentUuid: string;
  configurationId: string;
  /** Agent Stream URL for the provider (ws://…), with the query parameters it needs. */
  streamUrl: string;
}

/** Builds the Agent Stream URL of `agentUuid` on a product. */
export function streamUrl(productUrl: string, agentUuid: string, provider: string, query: Record<string, string>): string {
  const base = new URL(productUrl);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  base.pathname = `/api/v1/agent-stream/${encodeURIComponent(agentUuid)}`;
  base.search = new URLSearchParams({ provider, ...query }).toString();
  return base.toString();
}

async function call(o: SetupOptions, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(new URL(`/api/v1${path}`, o.productUrl), {
      method,
      headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
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

/** Creates the agent and the configuration; throws `product_api` with the product's error code. */
export async function setupProduct(o: SetupOptions): Promise<SetupResult> {
  const provider = o.provider ?? 'cloudonix';
  if (provider !== 'cloudonix') {
    throw new SimulatorError(SimulatorErrorCode.UnsupportedProvider, `setup knows the configuration fields of cloudonix only, not ${provider}`);
  }
  const domain = o.domain ?? 'acme';
  const engine = o.engine ?? { type: 'echo', hangup_dtmf: o.hangupDigit ?? '#', ...(o.echoSampleRate ? { sample_rate: o.echoSampleRate } : {}) };
  const agent = await call(o, 'POST', '/agents', { name: `Simulator ${String(engine.type)}`, engine });
  if (agent.status !== 201 || typeof agent.body.uuid !== 'string') throw apiError('agent', agent);
  const config = await call(o, 'POST', '/telephony-configurations', {
    provider,
    name: `Simulator ${domain}`,
    domain_id: domain,
    bearer_token: o.token,
    api_base_url: o.providerApiUrl,
  });
  if (config.status !== 201 || typeof config.body.id !== 'string') throw apiError('telephony configuration', config);
  return {
    agentUuid: agent.body.uuid,
    configurationId: config.body.id,
    streamUrl: streamUrl(o.productUrl, agent.body.uuid, provider, { Domain: domain }),
  };
}

function apiError(what: string, res: { status: number; body: Record<string, unknown> }): SimulatorError {
  const code = (res.body.error as { code?: unknown } | undefined)?.code;
  const hint = res.status === 422 && what !== 'agent' ? ' (an http:// provider URL needs VR3_ALLOW_INSECURE_PROVIDER_URLS=true on the product)' : '';
  return new SimulatorError(SimulatorErrorCode.ProductApi, `creating the ${what} failed: HTTP ${res.status} ${typeof code === 'string' ? code : ''}${hint}`);
}
