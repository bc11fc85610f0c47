import type { CallInfo } from '@vr3/agent';
import type { BridgeConfig } from '../spec.ts';
import type { BotProtocol } from './bot-protocol.ts';
import { PlivoStyleBotProtocol } from './plivo-style.ts';
import { TwilioStyleBotProtocol } from './twilio-style.ts';
import { Vr3BotProtocol } from './vr3.ts';

/** The protocol side of one call, as `config.protocol` names it. */
export function createBotProtocol(config: BridgeConfig, call: CallInfo): BotProtocol {
  switch (config.protocol) {
    case 'twilio':
    case 'cloudonix':
    case 'exotel':
      return new TwilioStyleBotProtocol(config.protocol, config, call);
    case 'vobiz':
    case 'plivo':
      return new PlivoStyleBotProtocol(config.protocol, config, call);
    case 'vr3':
      return new Vr3BotProtocol(config, call);
  }
}
