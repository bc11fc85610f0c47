import { defineEngineSpec } from '@vr3/agent';
import { z } from 'zod';

/** Protocols the bridge speaks toward a bot: a provider's own media-stream protocol, or ours. */
export const BRIDGE_PROTOCOLS = ['twilio', 'exotel', 'vobiz', 'plivo', 'cloudonix', 'vr3'] as const;
/** One of {@link BRIDGE_PROTOCOLS}. */
export type BridgeProtocol = (typeof BRIDGE_PROTOCOLS)[number];

/** Default of `connect_timeout_ms`. */
export const DEFAULT_BRIDGE_CONNECT_TIMEOUT_MS = 5000;

/** Request headers the bridge never lets a configuration set (the WebSocket handshake owns them). */
const RESERVED_HEADERS = new Set(['host', 'connection', 'upgrade', 'content-length', 'transfer-encoding', 'te', 'trailer', 'keep-alive', 'proxy-connection']);
/** RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

const HeaderName = z
  .string()
  .regex(HEADER_NAME, 'header names are HTTP tokens')
  .refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()) && !n.toLowerCase().startsWith('sec-websocket-'), 'this header is set by the WebSocket handshake');
/** Header values: visible ASCII and spaces, no line breaks. */
const HeaderValue = z.string().max(4096).regex(/^[\t\x20-\x7e]*$/, 'header values are printable ASCII');

const BotUrl = z
  .string()
  .max(2048)
  .refine((u) => {
    try {
      const url = new URL(u);
      return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.username === '' && url.password === '' && url.hash === '';
    } catch {
      return false;
    }
  }, 'a ws:// or wss:// URL without user information or fragment');

/**
 * `engine: {type: "bridge", url, protocol, sample_rate?, encoding?, headers?, connect_timeout_ms?, custom_parameters?}`.
 * - `sample_rate`: audio rate toward the bot. `twilio` and `cloudonix` are μ-law 8 kHz only;
 *   `exotel` PCM16 LE at 8000 (default), 16000 or 24000; with `encoding: "l16"`, `vobiz` 8000
 *   (default), 16000 or 24000 and `plivo` 8000 (default) or 16000 (Plivo has no 24 kHz); `vr3`
 *   PCM16 LE at 8000, 16000 (default), 24000 or 48000.
 * - `encoding` (`vobiz`, `plivo` only): `mulaw` (default, 8 kHz) or `l16`.
 * - `headers`: sent on the bot's WebSocket upgrade (e.g. `Authorization`); every value is secret.
 * - `custom_parameters`: added to the protocol's custom parameters in `start`, beside the run id,
 *   agent UUID and numbers the bridge always sends.
 */
export const BridgeConfigSchema = z
  .strictObject({
    type: z.literal('bridge'),
    url: BotUrl,
    protocol: z.enum(BRIDGE_PROTOCOLS),
    sample_rate: z.union([z.literal(8000), z.literal(16000), z.literal(24000), z.literal(48000)]).optional(),
    encoding: z.enum(['mulaw', 'l16']).optional(),
    headers: z.record(HeaderName, HeaderValue).refine((h) => Object.keys(h).length <= 32, 'at most 32 headers').optional(),
    connect_timeout_ms: z.number().int().min(100).max(30_000).optional(),
    custom_parameters: z
      .record(z.string().min(1).max(64), z.string().max(1024))
      .refine((p) => Object.keys(p).length <= 32, 'at most 32 custom parameters')
      .optional(),
  })
  .superRefine((c, ctx) => {
    const rate = c.sample_rate;
    if (c.encoding !== undefined && c.protocol !== 'vobiz' && c.protocol !== 'plivo') {
      ctx.addIssue({ code: 'custom', path: ['encoding'], message: 'only vobiz and plivo choose an encoding' });
    }
    if (rate === undefined) return;
    const allowed: Record<BridgeProtocol, readonly number[]> = {
      twilio: [8000],
      cloudonix: [8000],
      exotel: [8000, 16000, 24000],
      vobiz: c.encoding === 'l16' ? [8000, 16000, 24000] : [8000],
      plivo: c.encoding === 'l16' ? [8000, 16000] : [8000],
      vr3: [8000, 16000, 24000, 48000],
    };
    if (!allowed[c.protocol].includes(rate)) {
      ctx.addIssue({ code: 'custom', path: ['sample_rate'], message: `${c.protocol}${c.encoding ? ` ${c.encoding}` : ''} takes ${allowed[c.protocol].join(', ')}` });
    }
  });
/** The bridge engine's configuration. */
export type BridgeConfig = z.infer<typeof BridgeConfigSchema>;

/** The bridge engine's spec: every header value is secret. */
export const bridgeEngineSpec = defineEngineSpec({
  type: 'bridge',
  configSchema: BridgeConfigSchema,
  secretFields: ['headers.*'],
  description: "connects each call to the customer's bot WebSocket in the protocol the bot speaks",
});
