import type { CallInfo } from '@vr3/agent';
import type { BridgeConfig } from '../spec.ts';

/**
 * The custom parameters a bot receives in its protocol's place for them (Twilio
 * `customParameters`, Exotel `custom_parameters`, Vobiz/Plivo `extra_headers`): the call's own
 * provider parameters, then the configuration's `custom_parameters`, then what the bridge always
 * sends — `run_id`, `run_name`, `agent_uuid`, `provider` (where the call came from) and, when known,
 * `from` and `to`. Later sources win on a shared name.
 */
export function botCustomParameters(config: BridgeConfig, call: CallInfo): Record<string, string> {
  return {
    ...call.customParameters,
    ...config.custom_parameters,
    run_id: call.runId,
    run_name: call.runName,
    agent_uuid: call.agentUuid,
    provider: call.provider,
    ...(call.from === undefined ? {} : { from: call.from }),
    ...(call.to === undefined ? {} : { to: call.to }),
  };
}

/** The agent UUID's 32 hex digits (lower case); other characters are dropped, and it is padded with zeros. */
function agentHex(call: CallInfo): string {
  return call.agentUuid.toLowerCase().replace(/[^0-9a-f]/g, '').padEnd(32, '0').slice(0, 32);
}

/**
 * The account id a bot sees, stable per agent and shaped like the provider's: `AC` + 32 hex
 * (Twilio, Exotel), the agent UUID (Cloudonix's domain field), `MA_` + 10 (Vobiz) or `MA` + 18
 * (Plivo) upper-case hex. Not a real provider account: the provider's REST API does not know it.
 */
export function botAccountId(provider: 'twilio' | 'exotel' | 'cloudonix' | 'vobiz' | 'plivo', call: CallInfo): string {
  const hex = agentHex(call);
  switch (provider) {
    case 'twilio':
    case 'exotel':
      return `AC${hex}`;
    case 'cloudonix':
      return call.agentUuid;
    case 'vobiz':
      return `MA_${hex.slice(0, 10).toUpperCase()}`;
    case 'plivo':
      return `MA${hex.slice(0, 18).toUpperCase()}`;
  }
}
